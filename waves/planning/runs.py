"""Recomputation runs: queueing, joining, the lock, and the solve itself.

Every trigger (the admin's button, `recompute_waves`, the schedule that
looks for changed inputs, the nightly run) queues a `PlanRun`; the task
calls `run_recomputation`. Two rules keep runs honest:

- A run is computed by one process at a time: a process claims it with a
  conditional UPDATE (queued -> running) and then shows a sign of life
  (`heartbeat_at`) every few seconds while the solver works. A run whose
  last sign of life is older than `dead_after()` is dead: another process
  may claim it again, or it is ended as failed with that reason. A lock is
  never taken from a run that is alive, however long it takes.
- Only one run computes at a time: it must hold the `PlanningLock` row,
  taken with a conditional UPDATE that succeeds only when the holder is
  gone, finished or dead. That is atomic on PostgreSQL and SQLite alike.

The solve runs in a child process (`waves.solve_process`) that is killed
when it overruns its time limit by more than a grace period, because HiGHS
does not always stop at the limit it is given (2,098 identical
municipalities ran 17 minutes under a 120 s limit).
"""

import dataclasses
import logging
import pickle
import subprocess
import sys
import time
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as KombuOperationalError

from .. import solver
from ..models import PlanningLock, PlanRun, WavePlan
from . import wording
from .inputs import INPUT_GROUPS, gather_inputs
from .saving import save_plan

logger = logging.getLogger(__name__)

# Errors worth retrying: the database went away or a lock timed out.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
# What sending a task raises when the broker cannot be reached.
BROKER_ERRORS = (KombuOperationalError, OSError)

HEARTBEAT_SECONDS = 5
SOLVE_COMMAND = [sys.executable, "-m", "waves.solve_process"]


class PlanningBusy(Exception):
    """Another recomputation holds the lock; try again later."""


class RunInProgress(Exception):
    """This very run is being computed by another live process."""


def watchdog_seconds(problem):
    """How long the solver may run before it is stopped: its time limit,
    then the explanations, then a grace period."""
    return 1.5 * problem.time_limit + float(settings.WAVES_SOLVER_WATCHDOG_GRACE)


def dead_after():
    """A running run with no sign of life for this long is dead. Without
    the watchdog the solve gives no sign of life until it ends, so the
    whole watchdog period counts."""
    seconds = float(settings.WAVES_RUN_DEAD_AFTER_SECONDS)
    if not settings.WAVES_SOLVER_WATCHDOG:
        seconds += 1.5 * float(settings.WAVES_SOLVER_TIME_LIMIT) + float(
            settings.WAVES_SOLVER_WATCHDOG_GRACE
        )
    return timedelta(seconds=seconds)


def _dead_cutoff():
    return timezone.now() - dead_after()


# Queueing --------------------------------------------------------------------


def request_recomputation(
    *, origin, by=None, reason="", scenario=None, dispatch=True, join=True, changed_inputs=()
):
    """Queue a run and (after commit) its task; return the run.

    With `join` (the default), a run of the same plan (regular or the same
    scenario) that is queued or running is returned instead of queueing a
    second one: two coordinators pressing "Recompute", or two
    `recompute_waves --wait`, get the same run and the same plan.
    """
    reap_dead_runs()
    if join:
        pending = unfinished_runs(scenario).order_by("pk").first()
        if pending is not None:
            return pending
    run = PlanRun.objects.create(
        origin=origin,
        requested_by=by,
        reason=reason[:500],
        scenario=scenario,
        changed_inputs=list(changed_inputs),
    )
    if dispatch:
        _dispatch(run)
    return run


def unfinished_runs(scenario=None):
    runs = PlanRun.objects.filter(status__in=[PlanRun.Status.QUEUED, PlanRun.Status.RUNNING])
    return runs.filter(scenario=scenario) if scenario else runs.filter(scenario__isnull=True)


def _dispatch(run, countdown=None):
    transaction.on_commit(lambda: send(run, countdown=countdown))


def send(run, countdown=None):
    """Hand the run to the broker; False when the broker cannot be reached.

    The run then stays queued, and the scheduled check sends it again once
    the broker answers (`resend_waiting_runs`): a broker that is down delays
    the recomputation, it never fails the request that asked for it.
    """
    from ..tasks import recompute_wave_plan

    try:
        recompute_wave_plan.apply_async(args=[run.pk], countdown=countdown, retry=False)
    except BROKER_ERRORS:
        logger.warning("Broker unreachable: recomputation %s waits to be sent", run.pk)
        run.is_waiting_for_broker = True
        return False
    run.is_waiting_for_broker = False
    return True


def resend_waiting_runs(older_than=timedelta(minutes=2)):
    """Send again the queued runs that no worker has started (their message
    was never delivered, say because the broker was down). A second
    delivery is harmless: a run is claimed once."""
    waiting = PlanRun.objects.filter(
        status=PlanRun.Status.QUEUED, created_at__lt=timezone.now() - older_than
    )
    return sum(send(run) for run in waiting)


def latest_plan(scenario=None):
    """The newest plan of the regular line (or of a scenario) that a
    recomputation compares with: the current draft, a newer failed
    attempt, or the published plan."""
    plans = WavePlan.objects.exclude(
        status__in=[WavePlan.Status.HISTORICAL, WavePlan.Status.SUPERSEDED]
    )
    plans = plans.filter(scenario=scenario) if scenario else plans.regular()
    return plans.order_by("-created_at", "-pk").first()


def recompute_if_inputs_changed():
    """Queue a regular recomputation when today's inputs differ from the
    newest plan's; return the run, or None when nothing changed.

    The scheduled task calls this every few minutes: this is how new
    answers, weights, imports and admin edits reach the plan, without any
    of them having to tell the planning that they happened. Queued runs
    that were never delivered are sent again first.
    """
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        resend_waiting_runs()
    plan = latest_plan()
    _problem, document = gather_inputs()
    recorded = plan.input_fingerprints if plan is not None else {}
    changed = [g for g in INPUT_GROUPS if recorded.get(g) != document["fingerprints"][g]]
    if plan is not None and not changed:
        return None
    return request_recomputation(
        origin=WavePlan.Origin.INPUTS_CHANGED, changed_inputs=changed, join=True
    )


def reap_dead_runs():
    """End the runs whose process died (a killed worker, a web process
    stopped mid-solve) as failed with that reason, and free their lock;
    return how many."""
    cutoff = _dead_cutoff()
    dead = PlanRun.objects.filter(status=PlanRun.Status.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )
    count = 0
    for run in dead:
        ended = PlanRun.objects.filter(pk=run.pk, status=PlanRun.Status.RUNNING).update(
            status=PlanRun.Status.FAILED,
            finished_at=timezone.now(),
            step="",
            message=_(
                "The process computing this run stopped without finishing (no sign of life "
                "since %(time)s). Nothing was saved; recompute to try again."
            )
            % {
                "time": timezone.localtime(run.heartbeat_at or run.started_at).strftime("%H:%M:%S")
            },
        )
        _release_lock(run)
        count += ended
    return count


# The lock --------------------------------------------------------------------


def _claim(run):
    """Make this process the one computing `run`; False if a live process
    already is."""
    now = timezone.now()
    cutoff = now - dead_after()
    claimable = Q(status=PlanRun.Status.QUEUED) | Q(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True), status=PlanRun.Status.RUNNING
    )
    claimed = (
        PlanRun.objects.filter(claimable, pk=run.pk).update(
            status=PlanRun.Status.RUNNING,
            started_at=now,
            heartbeat_at=now,
            attempts=F("attempts") + 1,
            step=_("Reading the inputs"),
            message="",
        )
        == 1
    )
    if claimed:
        run.refresh_from_db()
    return claimed


def _unclaim(run):
    PlanRun.objects.filter(pk=run.pk, status=PlanRun.Status.RUNNING).update(
        status=PlanRun.Status.QUEUED, step=""
    )


def _take_lock(run):
    PlanningLock.objects.get_or_create(pk=1)
    holder_gone = (
        Q(run__isnull=True)
        | Q(run=run)
        | ~Q(run__status=PlanRun.Status.RUNNING)
        | Q(run__heartbeat_at__lt=_dead_cutoff())
    )
    taken = PlanningLock.objects.filter(holder_gone, pk=1).update(run=run, taken_at=timezone.now())
    return taken == 1


def _release_lock(run):
    PlanningLock.objects.filter(pk=1, run=run).update(run=None, taken_at=None)


def _heartbeat(run, **fields):
    fields["heartbeat_at"] = timezone.now()
    PlanRun.objects.filter(pk=run.pk).update(**fields)
    for name, value in fields.items():
        setattr(run, name, value)


# Computing ---------------------------------------------------------------------


def run_recomputation(*, run_id):
    """Compute a new plan for a queued run; return the finished run.

    Idempotent: a finished run is returned as it is, so a redelivered task
    does nothing twice. Raises RunInProgress while another live process
    computes this run, PlanningBusy while another run holds the lock, and
    transient database errors, for the caller to wait or retry; any other
    failure ends the run as "failed" with the message kept for the
    coordinators (and the traceback in the log), never half a plan.
    """
    run = PlanRun.objects.select_related("scenario").get(pk=run_id)
    if run.is_finished:
        return run
    if not _claim(run):
        run.refresh_from_db()
        if run.is_finished:
            return run
        raise RunInProgress(_("This recomputation is running in another process."))
    if not _take_lock(run):
        _unclaim(run)
        raise PlanningBusy(_("Another recomputation is running."))
    try:
        problem, document = gather_inputs(scenario=run.scenario)
        previous = latest_plan(run.scenario)
        if (
            previous is not None
            and previous.input_fingerprints == document["fingerprints"]
            and not previous.assignments.filter(moved_by_hand=True).exists()
        ):
            with transaction.atomic():
                _finish(
                    run,
                    PlanRun.Status.UNCHANGED,
                    plan=previous,
                    message=_("The inputs are the same as for %(plan)s; no new plan was made.")
                    % {"plan": previous},
                )
            return run
        problem = with_start(problem, previous)
        limit = f"{problem.time_limit:g}"
        _heartbeat(run, step=_("Solving (time limit %(seconds)s s)") % {"seconds": limit})
        result = solve(problem, heartbeat=lambda: _heartbeat(run))
        if result is None:
            message = wording.describe_watchdog(watchdog_seconds(problem))
            _end(run, PlanRun.Status.FAILED, message=message)
            return run
        with transaction.atomic():
            plan = save_plan(run=run, problem=problem, document=document, result=result)
            if result.has_plan:
                _finish(
                    run,
                    PlanRun.Status.SUCCEEDED,
                    plan=plan,
                    message=wording.describe_result(plan),
                )
            elif result.status == "timed_out":
                _finish(run, PlanRun.Status.TIMED_OUT, plan=plan, message=plan.solver_message)
            else:
                _finish(run, PlanRun.Status.INFEASIBLE, plan=plan, message=plan.solver_message)
        return run
    except TRANSIENT_ERRORS:
        _end(run, PlanRun.Status.QUEUED, finished=False)
        raise
    except Exception as error:
        logger.exception("Wave plan recomputation %s failed", run.pk)
        _end(
            run,
            PlanRun.Status.FAILED,
            message=_("The recomputation failed: %(error)s") % {"error": error},
        )
        return run
    finally:
        _release_lock(run)


def with_start(problem, plan):
    """`problem` starting from `plan`'s assignment (the current draft, or
    the published plan), when it has one: the solver's local search and
    HiGHS begin there, which matters when the inputs are near-identical and
    HiGHS alone finds poor plans within the time limit. The optimum does not
    depend on the start; without a plan the solver starts from the
    published plan (`current_wave`) and a plan of its own."""
    if plan is None:
        return problem
    start = tuple(
        plan.assignments.order_by("municipality_id").values_list("municipality_id", "wave__number")
    )
    return dataclasses.replace(problem, start=start) if start else problem


def _end(run, status, *, message="", finished=True):
    try:
        _heartbeat(
            run,
            status=status,
            message=message,
            step="",
            finished_at=timezone.now() if finished else None,
        )
    except DatabaseError:
        logger.exception("Could not record the end of run %s", run.pk)


def _finish(run, status, *, plan, message):
    _heartbeat(run, status=status, plan=plan, message=message, finished_at=timezone.now(), step="")


def solve(problem, *, heartbeat=lambda: None):
    """The solver's result, or None when the watchdog had to stop it.

    With WAVES_SOLVER_WATCHDOG (the default) the solve runs in a child
    process, and `heartbeat` is called every few seconds while it works.
    """
    if not settings.WAVES_SOLVER_WATCHDOG:
        return solver.solve(problem)
    deadline = time.monotonic() + watchdog_seconds(problem)
    process = subprocess.Popen(
        SOLVE_COMMAND, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    data = pickle.dumps(problem)
    while True:
        try:
            output, errors = process.communicate(data, timeout=HEARTBEAT_SECONDS)
            break
        except subprocess.TimeoutExpired:
            data = None  # sent with the first call
            if time.monotonic() > deadline:
                process.kill()
                process.communicate()
                logger.error("The wave solver overran its time limit and was stopped")
                return None
            heartbeat()
    if process.returncode != 0:
        lines = errors.decode(errors="replace").strip().splitlines() or ["no output"]
        raise RuntimeError(f"the solver process failed: {lines[-1]}")
    return pickle.loads(output)  # noqa: S301 -- our own child process's answer


def wait_for(run, *, poll=0.5, timeout=None):
    """Compute `run` here, or wait while another live process does, until
    it has finished; return it. Used by `recompute_waves --wait`."""
    timeout = timeout if timeout is not None else 3 * dead_after().total_seconds() + 600
    deadline = time.monotonic() + timeout
    while True:
        try:
            run = run_recomputation(run_id=run.pk)
        except (RunInProgress, PlanningBusy):
            run.refresh_from_db()
        if run.is_finished:
            return run
        if time.monotonic() > deadline:
            raise TimeoutError(f"run {run.pk} did not finish within {timeout:.0f} s")
        time.sleep(poll)
        reap_dead_runs()


def run_summary(run):
    return {
        "run": run.pk,
        "status": run.status,
        "plan": run.plan_id,
        "message": run.message,
    }
