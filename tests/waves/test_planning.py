"""Recomputation: from inputs to a saved plan, locks, coalescing, failures."""

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.db.models import Count
from django_celery_beat.models import PeriodicTask

from readiness.models import Response
from readiness.signals import planning_inputs_changed
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
    # The task is delivered again (acks late) and finishes the same run.
    monkeypatch.setattr(Assignment.objects, "bulk_create", real_bulk_create)
    run = planning.run_recomputation(run_id=run.pk)
    assert run.status == PlanRun.Status.SUCCEEDED
    assert run.plan.assignments.count() == 98
    assert run.attempts == 2


def test_a_run_waits_while_another_holds_the_lock(demo_inputs):
    other = PlanRun.objects.create(origin=WavePlan.Origin.MANUAL)
    PlanningLock.objects.update_or_create(pk=1, defaults={"run": other})
    from django.utils import timezone

    PlanningLock.objects.filter(pk=1).update(taken_at=timezone.now())
    run = planning.request_recomputation(origin=WavePlan.Origin.MANUAL, dispatch=False)
    with pytest.raises(planning.PlanningBusy):
        planning.run_recomputation(run_id=run.pk)
    assert WavePlan.objects.drafts().count() == 0
    # Eagerly (no worker to retry later) the run says so instead.
    recompute_wave_plan.apply(args=[run.pk])
    run.refresh_from_db()
    assert run.status == PlanRun.Status.FAILED
    assert "En anden genberegning" in run.message


def test_a_dead_runs_lock_expires(demo_inputs, settings):
    from datetime import timedelta

    from django.utils import timezone

    other = PlanRun.objects.create(origin=WavePlan.Origin.MANUAL)
    PlanningLock.objects.update_or_create(
        pk=1, defaults={"run": other, "taken_at": timezone.now() - timedelta(hours=2)}
    )
    run = recompute()
    assert run.status == PlanRun.Status.SUCCEEDED
    assert PlanningLock.objects.get(pk=1).run is None


def test_transient_database_errors_requeue_the_run_for_a_retry(demo_inputs, monkeypatch):
    real = planning.gather_inputs
    calls = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    monkeypatch.setattr(planning, "gather_inputs", flaky)
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

    monkeypatch.setattr(planning, "gather_inputs", broken)
    run = recompute()
    assert run.status == PlanRun.Status.FAILED
    assert "inputs in a bad state" in run.message
    assert PlanningLock.objects.get(pk=1).run is None


def test_many_changed_answers_give_one_pending_recomputation(
    published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        for code in (101, 147, 461):
            planning_inputs_changed.send(sender=Response, reason="answers", municipality_code=code)
    pending = PlanRun.objects.get(status=PlanRun.Status.QUEUED)
    assert pending.origin == WavePlan.Origin.ANSWERS_CHANGED
    assert pending.changes == 3
    assert "Odense" in pending.reason
    assert len(callbacks) == 1  # one task queued, with the coalescing delay
    published.refresh_from_db()
    assert published.is_stale


def test_weight_changes_queue_a_weights_recomputation(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        planning_inputs_changed.send(sender=Response, reason="weights", municipality_code=None)
    assert PlanRun.objects.get().origin == WavePlan.Origin.WEIGHTS_CHANGED


def test_the_coalesced_run_computes_when_its_task_runs(
    published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        planning_inputs_changed.send(sender=Response, reason="answers", municipality_code=101)
    run = PlanRun.objects.filter(origin=WavePlan.Origin.ANSWERS_CHANGED).get()
    assert run.status in (PlanRun.Status.SUCCEEDED, PlanRun.Status.UNCHANGED)


def test_the_nightly_schedule_exists():
    task = PeriodicTask.objects.get(task="waves.tasks.recompute_wave_plan_nightly")
    assert task.enabled and task.crontab.hour == "2"


def test_recompute_waves_command_waits_and_reports(demo_inputs, capsys):
    call_command("recompute_waves", "--wait")
    out = capsys.readouterr().out
    assert "færdig" in out and "bevist optimal" in out
    assert WavePlan.objects.drafts().count() == 1


def test_the_2013_draft_is_historical_and_complete():
    plan = WavePlan.objects.historical().get()
    counts = dict(plan.assignments.values_list("wave__number").annotate(n=Count("pk")).order_by())
    assert counts == {1: 28, 2: 35, 3: 35}
    assert plan.assignments.get(municipality__short_name="Læsø").wave.number == 1
    assert plan.assignments.get(municipality_id=400).wave.number == 2  # Bornholm
    assert not plan.is_publishable
