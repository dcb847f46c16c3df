"""The main pages under load: gunicorn, PostgreSQL, concurrent sessions.

Run by `make bench-load` (not by `make bench`: it needs PostgreSQL and
starts a server). It recreates the PostgreSQL database named by
DATABASE_URL (refusing anything but a loopback server and a database whose
name ends in "bench" or "perf"), migrates it and seeds the demo data, starts
the portal through `make serve` when the Makefile has it, else gunicorn
directly, on 127.0.0.1 only, and drives it from this process: LOAD_SESSIONS
threads, each logged in as the coordinator with its own session and its own
keep-alive connection, request the same page for LOAD_SECONDS. Every page's
phase follows a phase on the about page (the floor: the base layout and no
data), so each page is compared with a bare view measured moments before
in the same server. Prints per page the throughput, p50 and p99 latency,
errors, and the throughput as a share of the floor's (goal: at least 5 %).

Environment: DATABASE_URL (PostgreSQL), LOAD_SESSIONS (10), LOAD_SECONDS
(5), LOAD_PORT (8765), LOAD_MUNICIPALITIES (98; more adds synthetic ones),
WEB_CONCURRENCY (2 gunicorn workers).
"""

import http.client
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

SESSIONS = int(os.environ.get("LOAD_SESSIONS", 10))
SECONDS = float(os.environ.get("LOAD_SECONDS", 5))
PORT = int(os.environ.get("LOAD_PORT", 8765))
MUNICIPALITIES = int(os.environ.get("LOAD_MUNICIPALITIES", 98))
WORKERS = int(os.environ.get("WEB_CONCURRENCY", 2))
HOST = "127.0.0.1"
SERVER_ENV = {
    "SECRET_KEY": "load-benchmark-only-not-secret",
    "ALLOWED_HOSTS": HOST,
    "DEBUG": "0",
    "HTTPS": "0",
}


def recreate_database(url):
    import psycopg2

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit("load_pages needs DATABASE_URL=postgres://…")
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("load_pages runs on a loopback PostgreSQL only")
    if not name.endswith(("bench", "perf")):
        sys.exit(f"load_pages recreates its database; {name!r} does not end in bench or perf")
    maintenance = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    connection = psycopg2.connect(maintenance)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def prepare():
    """A migrated, seeded database; returns the pages and a session cookie
    per simulated user."""
    for key, value in SERVER_ENV.items():
        os.environ.setdefault(key, value)
    from benchmarks._setup import setup_django

    setup_django()
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.db import connections
    from django.utils.module_loading import import_string

    from benchmarks.bench_pages import grow_plans, pages, seed_demo
    from benchmarks.bench_readiness_overview import add_synthetic
    from municipalities.models import Municipality

    seed_demo()
    missing = MUNICIPALITIES - Municipality.objects.count()
    if missing > 0:
        add_synthetic(missing)
        grow_plans(MUNICIPALITIES)
    user = get_user_model().objects.get(username="koordinator")
    store = import_string(settings.SESSION_ENGINE + ".SessionStore")
    cookies = []
    for _n in range(SESSIONS):
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
    result = pages()
    connections.close_all()
    return result, cookies


def start_server():
    env = {**os.environ, **SERVER_ENV, "PORT": str(PORT), "WEB_CONCURRENCY": str(WORKERS)}
    makefile = (BASE_DIR / "Makefile").read_text()
    if "\nserve:" in makefile:
        command = ["make", "-s", "serve"]
    else:
        command = [
            str(Path(sys.executable).with_name("gunicorn")),
            "fmkrollout.wsgi",
            f"--bind={HOST}:{PORT}",
            f"--workers={WORKERS}",
            "--access-logfile=-" if os.environ.get("LOAD_ACCESS_LOG") else "--error-logfile=-",
        ]
    print(f"server: {' '.join(command)} on {HOST}:{PORT}, {WORKERS} workers", flush=True)
    # Its own process group, so that stopping it stops make and every worker.
    server = subprocess.Popen(command, cwd=BASE_DIR, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server stopped with {server.returncode}")
        try:
            connection = http.client.HTTPConnection(HOST, PORT, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.5)
    stop_server(server)
    sys.exit("the server did not answer /healthz within 60 s")


def stop_server(server):
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)


def hammer(url, cookies, seconds):
    """Every session requests `url` for `seconds`; (latencies, errors)."""
    latencies, errors = [], []
    lock = threading.Lock()
    start = threading.Barrier(len(cookies))

    def session(cookie):
        mine, failed = [], 0
        connection = http.client.HTTPConnection(HOST, PORT, timeout=60)
        start.wait()
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            try:
                connection.request("GET", url, headers={"Cookie": cookie, "Host": HOST})
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection(HOST, PORT, timeout=60)
            if ok:
                mine.append(time.perf_counter() - began)
            else:
                failed += 1
        connection.close()
        with lock:
            latencies.extend(mine)
            errors.append(failed)

    threads = [threading.Thread(target=session, args=(c,)) for c in cookies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, sum(errors)


def percentile(values, share):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main():
    url = os.environ.get("DATABASE_URL", "")
    recreate_database(url)
    page_list, cookies = prepare()
    server = start_server()
    try:
        print(
            f"{SESSIONS} sessions, {SECONDS:.0f} s per phase, {MUNICIPALITIES:,} municipalities; "
            "each page right after the about page (the floor)"
        )
        print(
            f"{'page':<28} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} "
            f"{'floor req/s':>12} {'% of floor':>11}"
        )
        hammer("/om/", cookies, 1)  # warm every worker
        for label, page_url in page_list:
            floor, floor_errors = hammer("/om/", cookies, SECONDS)
            latencies, errors = hammer(page_url, cookies, SECONDS)
            rate, floor_rate = len(latencies) / SECONDS, len(floor) / SECONDS
            print(
                f"{label:<28} {rate:>8.1f} {statistics.median(latencies or [0]) * 1000:>8.0f} "
                f"{percentile(latencies, 0.99) * 1000:>8.0f} {errors + floor_errors:>7} "
                f"{floor_rate:>12.1f} {100 * rate / floor_rate if floor_rate else 0:>10.1f}%",
                flush=True,
            )
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
