"""Recomputations across processes and threads: a real Celery worker on the
Redis broker, and two recomputations at once (PostgreSQL).

Both need committed data, so the tests are transactional: the database is
emptied after each, and each loads the reference data it needs.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, connections

from waves import planning, solver
from waves.models import PlanRun, WavePlan

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def committed_inputs(transactional_db, readiness):
    from waves import demo_data

    call_command("load_reference", verbosity=0)
    demo_data.seed_inputs()


def _database_url():
    """The TEST database, as DATABASE_URL for another process."""
    settings = connection.settings_dict
    if connection.vendor != "postgresql":
        return None
    user = settings["USER"] or "postgres"
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def start_worker(**environment):
    """`celery -A fmkrollout worker` in a subprocess (its own process group,
    so its solver child can be killed with it), on the test database."""
    url = _database_url()
    if url is None:
        pytest.skip("the worker process needs a database server (PostgreSQL), not SQLite")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "test-only"),
        "HTTPS": "0",
        # The worker has no test fixture to fake the readiness figures;
        # it reads the (empty) questionnaire answers: every score is None.
        **environment,
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "fmkrollout",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_worker(process):
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_until(condition, *, timeout, process=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if process is not None and process.poll() is not None:
            pytest.fail(process.stdout.read().decode()[-2000:])
        time.sleep(0.3)
    pytest.fail(f"not within {timeout} s")


@pytest.fixture
def worker(committed_inputs):
    process = start_worker()
    yield process
    stop_worker(process)


@pytest.mark.broker
def test_a_recomputation_runs_on_a_real_worker(worker):
    from waves.tasks import recompute_wave_plan

    run = planning.request_recomputation(origin=WavePlan.Origin.MANUAL, dispatch=False)
    recompute_wave_plan.delay(run.pk)
    wait_until(lambda: PlanRun.objects.get(pk=run.pk).is_finished, timeout=180, process=worker)
    run.refresh_from_db()
    assert run.status == PlanRun.Status.SUCCEEDED, run.message
    assert run.plan.assignments.count() == 98


@pytest.mark.broker
def test_a_worker_killed_mid_solve_leaves_no_plan_and_the_redelivered_task_finishes(
    committed_inputs,
):
    from waves.tasks import recompute_wave_plan

    # Short timeouts so the test need not wait an hour for Redis to hand
    # the unacknowledged task on, or a minute to call the run dead.
    quick = {"CELERY_VISIBILITY_TIMEOUT": "8", "WAVES_RUN_DEAD_AFTER_SECONDS": "4"}
    plans_before = WavePlan.objects.count()
    run = planning.request_recomputation(origin=WavePlan.Origin.MANUAL, dispatch=False)
    # The first worker solves the near-identical inputs for up to 60 s.
    first = start_worker(WAVES_SOLVER_TIME_LIMIT="60", **quick)
    try:
        recompute_wave_plan.delay(run.pk)
        # Its step names the time limit once the solver has started.
        wait_until(lambda: "60" in PlanRun.objects.get(pk=run.pk).step, timeout=120, process=first)
        os.killpg(first.pid, signal.SIGKILL)  # the worker and its solver child
        first.wait(timeout=20)
    finally:
        if first.poll() is None:
            stop_worker(first)

    run.refresh_from_db()
    assert run.status == PlanRun.Status.RUNNING  # as the dead worker left it
    assert WavePlan.objects.count() == plans_before  # no partial plan

    second = start_worker(WAVES_SOLVER_TIME_LIMIT="5", **quick)
    try:
        wait_until(lambda: PlanRun.objects.get(pk=run.pk).is_finished, timeout=180, process=second)
    finally:
        stop_worker(second)
    run.refresh_from_db()
    assert run.status == PlanRun.Status.SUCCEEDED, run.message
    assert run.attempts == 2
    assert run.plan.assignments.count() == 98
    assert WavePlan.objects.count() == plans_before + 1


def test_two_recomputations_at_once_make_one_plan(committed_inputs, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite has one writer at a time and the in-memory test database is not shared "
            "between threads; the lock is proven on PostgreSQL"
        )
    real_solve = solver.solve
    started = threading.Event()

    def slow_solve(problem):
        started.set()
        time.sleep(1.5)  # keep the lock while the other run starts
        return real_solve(problem)

    monkeypatch.setattr(solver, "solve", slow_solve)
    runs = [
        planning.request_recomputation(origin=WavePlan.Origin.MANUAL, dispatch=False, join=False)
        for _ in range(2)
    ]
    outcomes = {}

    def recompute(run, wait_for=None):
        try:
            if wait_for is not None:
                wait_for.wait(30)
            outcomes[run.pk] = planning.run_recomputation(run_id=run.pk).status
        except planning.PlanningBusy:
            outcomes[run.pk] = "busy"
        finally:
            connections.close_all()

    first = threading.Thread(target=recompute, args=(runs[0],))
    second = threading.Thread(target=recompute, args=(runs[1], started))
    first.start()
    second.start()
    first.join(60)
    second.join(60)
    assert outcomes == {runs[0].pk: PlanRun.Status.SUCCEEDED, runs[1].pk: "busy"}
    assert WavePlan.objects.drafts().count() == 1
    # The busy run is retried by its task; by then nothing has changed.
    monkeypatch.setattr(solver, "solve", real_solve)
    assert planning.run_recomputation(run_id=runs[1].pk).status == PlanRun.Status.UNCHANGED
    assert WavePlan.objects.drafts().count() == 1


def test_two_recompute_waves_wait_at_once_both_report_the_same_plan(committed_inputs):
    url = _database_url()
    if url is None:
        pytest.skip("two processes need a database server (PostgreSQL), not SQLite")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "test-only"),
        "HTTPS": "0",
        "WAVES_SOLVER_TIME_LIMIT": "60",
    }
    env.pop("CELERY_BROKER_URL", None)  # --wait computes in the command itself
    command = [sys.executable, "manage.py", "recompute_waves", "--wait"]
    processes = [
        subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=300)[0].decode() for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    plan_lines = [
        next(line for line in out.splitlines() if line.startswith("Plan #")) for out in outputs
    ]
    assert plan_lines[0] == plan_lines[1], outputs
    assert WavePlan.objects.drafts().with_plan().count() == 1
