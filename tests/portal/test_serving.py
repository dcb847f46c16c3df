"""`make serve`: gunicorn's configuration, read from the environment.

The configuration module is imported in a fresh interpreter with a chosen
environment, as gunicorn does when it starts: it either refuses with a
message that says what to set, or yields the server's settings.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION = {"SECRET_KEY": "s" * 50, "ALLOWED_HOSTS": "fmk.example.dk", "DEBUG": "0"}
READ_CONFIG = (
    "import json, fmkrollout.gunicorn_conf as c; "
    "print(json.dumps({k: getattr(c, k) for k in "
    "('bind', 'workers', 'threads', 'worker_class', 'timeout', 'accesslog', "
    "'wsgi_app', 'control_socket_disable')}))"
)
SERVER_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "PORT",
    "BIND_ADDRESS",
    "WEB_CONCURRENCY",
    "GUNICORN_THREADS",
    "GUNICORN_TIMEOUT",
    "CONN_MAX_AGE",
    "CONN_HEALTH_CHECKS",
}


def run_python(code, **env):
    clean = {k: v for k, v in os.environ.items() if k not in SERVER_VARIABLES}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def gunicorn_config(**env):
    result = run_python(READ_CONFIG, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_serve_refuses_to_start_without_allowed_hosts():
    env = dict(PRODUCTION)
    del env["ALLOWED_HOSTS"]
    result = run_python(READ_CONFIG, **env)
    assert result.returncode == 1
    assert "fmkrollout will not start" in result.stderr
    assert "ALLOWED_HOSTS is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_refuses_to_start_without_secret_key():
    env = dict(PRODUCTION)
    del env["SECRET_KEY"]
    result = run_python(READ_CONFIG, **env)
    assert result.returncode == 1
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_refuses_debug():
    result = run_python(READ_CONFIG, **{**PRODUCTION, "DEBUG": "1"})
    assert result.returncode == 1
    assert "DEBUG is on" in result.stderr


def test_serve_defaults_suit_a_two_core_machine():
    config = gunicorn_config(**PRODUCTION)
    assert config == {
        "bind": "127.0.0.1:8000",
        "workers": 2,
        "threads": 4,
        "worker_class": "gthread",
        "timeout": 60,
        "accesslog": "-",
        "wsgi_app": "fmkrollout.wsgi:application",
        "control_socket_disable": True,
    }


def test_port_workers_and_threads_come_from_the_environment():
    config = gunicorn_config(
        **PRODUCTION,
        PORT="8123",
        BIND_ADDRESS="0.0.0.0",
        WEB_CONCURRENCY="3",
        GUNICORN_THREADS="8",
    )
    assert (config["bind"], config["workers"], config["threads"]) == ("0.0.0.0:8123", 3, 8)


def test_nonsense_worker_counts_are_refused_by_name():
    result = run_python(READ_CONFIG, **PRODUCTION, WEB_CONCURRENCY="many")
    assert result.returncode == 1
    assert "WEB_CONCURRENCY='many' is not a positive whole number" in result.stderr


SETTINGS = (
    "import json; from django.conf import settings; db = settings.DATABASES['default']; "
    "print(json.dumps([db['CONN_MAX_AGE'], db['CONN_HEALTH_CHECKS'], "
    "settings.LOGGING['handlers']['console'].get('stream')]))"
)


def test_database_connections_persist_with_health_checks_by_default():
    result = run_python(SETTINGS, **PRODUCTION, DJANGO_SETTINGS_MODULE="fmkrollout.settings")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [60, True, "ext://sys.stdout"]


def test_persistent_connections_are_set_from_the_environment():
    result = run_python(
        SETTINGS,
        **PRODUCTION,
        DJANGO_SETTINGS_MODULE="fmkrollout.settings",
        CONN_MAX_AGE="0",
        CONN_HEALTH_CHECKS="0",
    )
    assert json.loads(result.stdout)[:2] == [0, False]


def test_health_checks_on_the_plain_http_backend_are_not_redirected(client, settings, db):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/om/").status_code == 301
