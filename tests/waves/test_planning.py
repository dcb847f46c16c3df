"""Recomputation: from inputs to a saved plan, locks, coalescing, failures."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.db.models import Count
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from waves import planning
from waves.models import (
    Assignment,
    MunicipalityVendor,
    Pin,
    PlanningLock,
    PlanRun,
    VendorPlan,
    Wave,
    WavePlan,
)
from waves.tasks import recompute_wave_plan

from .conftest import recompute

pytestmark = pytest.mark.django_db


def waves_of(plan):
    return dict(plan.assignments.values_list("municipality_id", "wave__number"))


def test_a_recomputation_saves_a_complete_optimal_draft(draft):
    assert draft.status == WavePlan.Status.DRAFT
    assert draft.solver_status == WavePlan.SolverStatus.OPTIMAL
    assignment = waves_of(draft)
    assert len(assignment) == 98
    for wave in Wave.objects.all():
        assert sum(1 for w in assignment.values() if w == wave.number) <= wave.capacity
    assert draft.inputs["municipalities"]["825"]["gp"]["status"] == "not_applicable"
    assert draft.inputs["fingerprint"]
    assert WavePlan.objects.current_draft() == draft


def test_vendor_limits_bind_unless_overridden(draft):
    limited = VendorPlan.objects.get(vendor__name="Demoleverandør D")
    customers = MunicipalityVendor.objects.filter(vendor=limited.vendor)
    assert customers.exists()
    wave_of = waves_of(draft)
    assert all(wave_of[c.municipality_id] == 3 for c in customers)
    # An override lifts the limit for that municipality only.
    first = customers.first()
    first.override_limit, first.override_reason = True, "Aftalt med leverandøren"
    first.save()
    Pin.objects.create(municipality_id=first.municipality_id, wave_id=1, reason="Test")
    run = recompute()
    assert waves_of(run.plan)[first.municipality_id] == 1


def test_vendor_agreement_with_a_named_municipality_replaces_the_limit(draft):
    # Demoleverandør B starts in wave 2 but has agreed wave 1 with Odense.
    odense = draft.inputs["municipalities"]["461"]
    assert odense["vendor"] == "Demoleverandør B"
    assert (odense["earliest_wave"], odense["limit_source"]) == (1, "agreement")


def test_pins_hold_in_the_next_recomputation(draft, coordinator):
    Pin.objects.create(municipality_id=101, wave_id=Wave.objects.get(number=3).pk, reason="x")
    run = recompute()
    assert waves_of(run.plan)[101] == 3
    assignment = run.plan.assignments.get(municipality_id=101)
    assert assignment.is_pinned and assignment.pin_reason == "x"
    draft.refresh_from_db()
    assert draft.status == WavePlan.Status.SUPERSEDED


def test_same_inputs_make_no_new_plan(draft):
    run = recompute()
    assert run.status == PlanRun.Status.UNCHANGED
    assert run.plan == draft
    assert WavePlan.objects.drafts().count() == 1


def test_recomputation_is_deterministic(draft):
    Pin.objects.create(municipality_id=147, wave_id=Wave.objects.get(number=2).pk, reason="y")
    first = recompute().plan
    Pin.objects.all().delete()
    Pin.objects.create(municipality_id=147, wave_id=Wave.objects.get(number=2).pk, reason="z")
    second = recompute().plan
    assert first.pk != second.pk
    assert waves_of(first) == waves_of(second)
    assert first.objective == second.objective


def test_infeasible_pins_give_a_clear_message_and_keep_the_draft(draft):
    wave1 = Wave.objects.get(number=1)
    free = draft.assignments.filter(earliest_wave__isnull=True).order_by("municipality_id")
    codes = list(free.values_list("municipality_id", flat=True)[:29])
    Pin.objects.bulk_create(Pin(municipality_id=c, wave=wave1, reason="for mange") for c in codes)
    run = recompute()
    assert run.status == PlanRun.Status.INFEASIBLE
    assert run.plan.solver_status == WavePlan.SolverStatus.INFEASIBLE
    assert not run.plan.assignments.exists()
    message = run.plan.solver_message
    assert (
        "Bølge 1 (2. kvartal 2014) har plads til 28 kommuner, men 29 kan kun være der" in message
    )
    assert "Fastlåst: Frederiksberg" in message
    assert "Traceback" not in message
    assert WavePlan.objects.current_draft() == draft


class Killed(BaseException):
    """What a killed worker looks like from inside: not an Exception."""


def test_a_killed_recomputation_leaves_no_partial_plan(demo_inputs, monkeypatch):
    plans, assignments = WavePlan.objects.count(), Assignment.objects.count()
    real_bulk_create = Assignment.objects.bulk_create

    def half_then_die(objs, *args, **kwargs):
        objs = list(objs)
        real_bulk_create(objs[:40])
        raise Killed

    monkeypatch.setattr(Assignment.objects, "bulk_create", half_then_die)
    run = planning.request_recomputation(origin=WavePlan.Origin.MANUAL, dispatch=False)
    with pytest.raises(Killed):
        planning.run_recomputation(run_id=run.pk)
    assert WavePlan.objects.count() == plans
    assert Assignment.objects.count() == assignments
    # The task is delivered again (acks late), after the dead run's last
    # sign of life is old, and finishes the same run.
    monkeypatch.setattr(Assignment.objects, "bulk_create", real_bulk_create)
    PlanRun.objects.filter(pk=run.pk).update(
        heartbeat_at=timezone.now() - planning.dead_after() - timedelta(seconds=1)
    )
    run = planning.run_recomputation(run_id=run.pk)
    assert run.status == PlanRun.Status.SUCCEEDED
    assert run.plan.assignments.count() == 98
    assert run.attempts == 2


def _running(**fields):
    """A run another live process is computing (it showed a sign of life)."""
    from django.utils import timezone

    now = timezone.now()
    fields = {"status": PlanRun.Status.RUNNING, "started_at": now, "heartbeat_at": now, **fields}
    return PlanRun.objects.create(origin=WavePlan.Origin.MANUAL, **fields)


def test_a_run_waits_while_another_holds_the_lock(demo_inputs):
    other = _running()
    PlanningLock.objects.update_or_create(pk=1, defaults={"run": other})
    run = planning.request_recomputation(origin=WavePlan.Origin.MANUAL, dispatch=False, join=False)
    with pytest.raises(planning.PlanningBusy):
        planning.run_recomputation(run_id=run.pk)
    assert WavePlan.objects.drafts().count() == 0
    # Eagerly (no worker to retry later) the run says so instead.
    recompute_wave_plan.apply(args=[run.pk])
    run.refresh_from_db()
    assert run.status == PlanRun.Status.FAILED
    assert "En anden genberegning" in run.message


def test_the_lock_is_never_taken_from_a_live_run_however_long_it_takes(demo_inputs):
    from datetime import timedelta

    from django.utils import timezone

    # Started three hours ago, but it showed a sign of life just now.
    other = _running(started_at=timezone.now() - timedelta(hours=3))
    PlanningLock.objects.update_or_create(
        pk=1, defaults={"run": other, "taken_at": timezone.now() - timedelta(hours=3)}
    )
    run = planning.request_recomputation(origin=WavePlan.Origin.MANUAL, dispatch=False, join=False)
    with pytest.raises(planning.PlanningBusy):
        planning.run_recomputation(run_id=run.pk)
    assert PlanningLock.objects.get(pk=1).run == other
    run.refresh_from_db()
    assert run.status == PlanRun.Status.QUEUED


def test_a_dead_runs_lock_is_released_and_the_run_ends_with_a_reason(demo_inputs):
    from datetime import timedelta

    from django.utils import timezone

    silent_since = timezone.now() - timedelta(minutes=10)
    other = _running(started_at=silent_since, heartbeat_at=silent_since)
    PlanningLock.objects.update_or_create(pk=1, defaults={"run": other, "taken_at": silent_since})
    run = recompute()
    assert run.status == PlanRun.Status.SUCCEEDED
    assert PlanningLock.objects.get(pk=1).run is None
    other.refresh_from_db()
    assert other.status == PlanRun.Status.FAILED
    assert "stoppede uden at blive færdig" in other.message


def test_a_dead_run_is_finished_by_the_redelivered_task(demo_inputs):
    from datetime import timedelta

    from django.utils import timezone

    silent_since = timezone.now() - timedelta(minutes=10)
    run = _running(started_at=silent_since, heartbeat_at=silent_since, attempts=1)
    PlanningLock.objects.update_or_create(pk=1, defaults={"run": run, "taken_at": silent_since})
    run = planning.run_recomputation(run_id=run.pk)
    assert run.status == PlanRun.Status.SUCCEEDED
    assert run.attempts == 2


def test_a_run_being_computed_elsewhere_is_not_computed_twice(demo_inputs):
    run = _running()
    with pytest.raises(planning.RunInProgress):
        planning.run_recomputation(run_id=run.pk)
    assert recompute_wave_plan.apply(args=[run.pk]).get()["status"] == PlanRun.Status.RUNNING
    assert not WavePlan.objects.drafts().exists()


def test_transient_database_errors_requeue_the_run_for_a_retry(demo_inputs, monkeypatch):
    real = planning.gather_inputs
    calls = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    monkeypatch.setattr(planning.runs, "gather_inputs", flaky)
    run = planning.request_recomputation(origin=WavePlan.Origin.MANUAL, dispatch=False)
    with pytest.raises(OperationalError):
        planning.run_recomputation(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == PlanRun.Status.QUEUED
    assert PlanningLock.objects.get(pk=1).run is None
    # The task retries these errors (with backoff); the retry finishes it.
    assert OperationalError in recompute_wave_plan.autoretry_for
    run = planning.run_recomputation(run_id=run.pk)
    assert run.status == PlanRun.Status.SUCCEEDED
    assert run.attempts == 2


def test_an_unexpected_error_ends_the_run_with_a_message(demo_inputs, monkeypatch):
    def broken(**kwargs):
        raise ValueError("inputs in a bad state")

    monkeypatch.setattr(planning.runs, "gather_inputs", broken)
    run = recompute()
    assert run.status == PlanRun.Status.FAILED
    assert "inputs in a bad state" in run.message
    assert PlanningLock.objects.get(pk=1).run is None


def test_changed_inputs_queue_one_recomputation_and_unchanged_none(
    draft, django_capture_on_commit_callbacks
):
    assert planning.recompute_if_inputs_changed() is None
    wave3 = Wave.objects.get(number=3)
    Pin.objects.create(municipality_id=101, wave=wave3, reason="Aftalt")
    with django_capture_on_commit_callbacks() as callbacks:
        first = planning.recompute_if_inputs_changed()
        second = planning.recompute_if_inputs_changed()
    assert first == second  # the second check joins the queued run
    assert first.origin == WavePlan.Origin.INPUTS_CHANGED
    assert first.changed_inputs == ["pins"]
    assert len(callbacks) == 1


def test_the_scheduled_check_computes_the_new_plan(draft, django_capture_on_commit_callbacks):
    Wave.objects.filter(number=3).update(capacity=40)
    with django_capture_on_commit_callbacks(execute=True):
        run = planning.recompute_if_inputs_changed()
    run.refresh_from_db()
    assert run.status == PlanRun.Status.SUCCEEDED
    assert run.plan.input_fingerprints != draft.input_fingerprints
    assert planning.recompute_if_inputs_changed() is None
    assert PeriodicTask.objects.get(task="waves.tasks.recompute_if_inputs_changed").enabled


def test_a_plan_is_out_of_date_when_any_input_changes(draft):
    assert not planning.freshness(draft).is_out_of_date
    weights = planning.gather_inputs()[0].weights
    from waves.models import PlanningWeights

    PlanningWeights.objects.update(split_neighbours=weights.split_neighbours + 1)
    Wave.objects.filter(number=1).update(capacity=30)
    assert planning.freshness(draft).changed == ("capacities", "weights")


def test_the_nightly_schedule_exists():
    task = PeriodicTask.objects.get(task="waves.tasks.recompute_wave_plan_nightly")
    assert task.enabled and task.crontab.hour == "2"


def test_recompute_waves_command_waits_and_reports(demo_inputs, capsys):
    call_command("recompute_waves", "--wait")
    out = capsys.readouterr().out
    assert "færdig" in out and "bevist optimal" in out
    call_command("recompute_waves", "--wait")
    assert "der blev ikke lavet en ny plan" in capsys.readouterr().out
    assert WavePlan.objects.drafts().count() == 1


def test_the_2013_draft_is_historical_and_complete():
    plan = WavePlan.objects.historical().get()
    counts = dict(plan.assignments.values_list("wave__number").annotate(n=Count("pk")).order_by())
    assert counts == {1: 28, 2: 35, 3: 35}
    assert plan.assignments.get(municipality__short_name="Læsø").wave.number == 1
    assert plan.assignments.get(municipality_id=400).wave.number == 2  # Bornholm
    assert not plan.is_publishable


def test_a_recomputation_starts_from_the_newest_plan(draft, monkeypatch):
    from waves import solver

    seen = []
    real_solve = solver.solve

    def spy(problem):
        seen.append(problem)
        return real_solve(problem)

    monkeypatch.setattr(planning.runs.solver, "solve", spy)
    Pin.objects.create(municipality_id=147, wave_id=Wave.objects.get(number=2).pk, reason="y")
    run = recompute()
    assert run.status == PlanRun.Status.SUCCEEDED
    assert dict(seen[-1].start) == waves_of(draft)
    # The start is not an input: it is in no fingerprint and not stored.
    assert "start" not in run.plan.inputs
