"""The trade-off page's writes: run a sweep, make a draft of a point.

A sweep reads the inputs once (`planning.gather_inputs`), lets the pure
`frontier.sweep` solve for a range of split weights, places the current
draft, the published plan and the 2 December 2013 draft on the result and
writes the points in one transaction. Promoting a point saves its plan as
the regular draft through `planning.save_plan`, exactly as a recomputation
would, so the review, comparison, export and publication treat it like any
other draft.
"""

import dataclasses
import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import frontier, planning, solver
from .models import Assignment, FrontierPoint, FrontierSweep, PlanRun, WavePlan
from .reference import DRAFT_2013_NAME

logger = logging.getLogger(__name__)

# Errors worth retrying: the database went away or a lock timed out.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)

# A sweep queued or running for longer than this is taken to be dead (its
# worker was killed): a new one may start.
PENDING_FOR = timedelta(minutes=30)

MARKS = ("draft", "published", "draft_2013")


def inputs_fingerprint(document):
    """The fingerprint of a snapshot of the inputs, as `gather_inputs`
    computes it (all input groups together)."""
    return document["fingerprint"]


def request_sweep(*, by):
    """Queue a sweep and (after commit) its task; return it.

    While another sweep is queued or running, that one is returned: two
    sweeps of the same inputs would only compete for the processor.
    """
    pending = (
        FrontierSweep.objects.filter(
            status__in=[FrontierSweep.Status.QUEUED, FrontierSweep.Status.RUNNING],
            created_at__gte=timezone.now() - PENDING_FOR,
        )
        .latest_first()
        .first()
    )
    if pending is not None:
        return pending
    sweep = FrontierSweep.objects.create(
        requested_by=by, split_weights=list(frontier.SPLIT_WEIGHTS)
    )
    from .frontier_tasks import sweep_split_weights

    transaction.on_commit(lambda: sweep_split_weights.delay(sweep.pk))
    return sweep


def run_sweep(*, sweep_id):
    """Compute a queued sweep; return it finished.

    Idempotent: a finished sweep is returned as it is, and a redelivered
    one replaces the points an interrupted attempt may have left. Transient
    database errors are raised for the task to retry; any other failure
    ends the sweep as "failed" with the message for the coordinators.
    """
    sweep = FrontierSweep.objects.get(pk=sweep_id)
    if sweep.is_finished:
        return sweep
    sweep.status = FrontierSweep.Status.RUNNING
    sweep.started_at = timezone.now()
    sweep.save(update_fields=["status", "started_at"])
    try:
        problem, document = planning.gather_inputs()
        result = frontier.sweep(problem, sweep.split_weights or frontier.SPLIT_WEIGHTS)
        marks = place_plans(problem)
        with transaction.atomic():
            _save(sweep, problem, document, result, marks)
    except TRANSIENT_ERRORS:
        FrontierSweep.objects.filter(pk=sweep.pk).update(status=FrontierSweep.Status.QUEUED)
        raise
    except Exception as error:
        logger.exception("Trade-off sweep %s failed", sweep.pk)
        sweep.status = FrontierSweep.Status.FAILED
        sweep.finished_at = timezone.now()
        sweep.message = _("The sweep failed: %(error)s") % {"error": error}
        sweep.save(update_fields=["status", "finished_at", "message"])
    return sweep


def sweep_summary(sweep):
    return {
        "sweep": sweep.pk,
        "status": sweep.status,
        "points": sweep.points.count(),
        "seconds": sweep.seconds,
        "message": sweep.message,
    }


def _save(sweep, problem, document, result, marks):
    sweep.points.all().delete()
    sweep.weights = dataclasses.asdict(problem.weights)
    sweep.inputs_fingerprint = inputs_fingerprint(document)
    sweep.solves = result.solves
    sweep.seconds = round(result.seconds, 2)
    sweep.unsolved = list(result.unsolved)
    sweep.marks = marks
    sweep.finished_at = timezone.now()
    if result.status == "infeasible":
        sweep.status = FrontierSweep.Status.INFEASIBLE
        sweep.message = planning.describe_conflicts(
            [dataclasses.asdict(conflict) for conflict in result.conflicts], document
        )
        sweep.save()
        return
    sweep.status = FrontierSweep.Status.DONE
    sweep.dominated = [
        {
            **_figures(d.point.measure),
            "split_weight": d.point.split_weight,
            "by": d.by.split_weight,
        }
        for d in result.dominated
    ]
    sweep.save()
    FrontierPoint.objects.bulk_create(
        FrontierPoint(
            sweep=sweep,
            split_weight=point.split_weight,
            weight_up_to=point.weight_up_to,
            split_pairs=point.split_pairs,
            wishes_met=point.wishes_met,
            wishes_total=point.measure.wishes_total,
            readiness_cost=round(point.readiness_cost, 4),
            objective=round(point.objective, 4),
            solver_status=point.status,
            gap=point.gap,
            solve_seconds=round(point.solve_seconds, 3),
            assignment={str(code): wave for code, wave in sorted(point.assignment.items())},
        )
        for point in result.points
    )


def _figures(measure):
    return {
        "split_pairs": measure.split_pairs,
        "wishes_met": measure.wishes_met,
        "wishes_total": measure.wishes_total,
        "readiness_cost": round(measure.readiness_cost, 4),
    }


def place_plans(problem):
    """The current draft, the published plan and the 2013 draft, each
    evaluated on `problem`: {mark: {"plan", "name", figures}}.

    A plan that does not assign every municipality of today's inputs
    cannot be placed and is left out.
    """
    plans = {
        "draft": WavePlan.objects.current_draft(),
        "published": WavePlan.objects.published().first(),
        "draft_2013": WavePlan.objects.historical().filter(name=DRAFT_2013_NAME).first(),
    }
    plans = {mark: plan for mark, plan in plans.items() if plan is not None}
    waves = {plan.pk: {} for plan in plans.values()}
    for plan_id, code, wave in Assignment.objects.filter(plan__in=plans.values()).values_list(
        "plan_id", "municipality_id", "wave__number"
    ):
        waves[plan_id][code] = wave
    codes = {m.code for m in problem.municipalities}
    marks = {}
    for mark, plan in plans.items():
        assignment = waves[plan.pk]
        if set(assignment) != codes:
            continue
        marks[mark] = {
            "plan": plan.pk,
            "name": str(plan),
            **_figures(frontier.measure(problem, assignment)),
        }
    return marks


@transaction.atomic
def promote_point(*, point, by):
    """Save the point's plan as the regular draft; return the draft.

    The plan is the one the sweep found, explained with today's inputs and
    the point's split weight; it supersedes the current draft (which stays
    comparable). Refused when the inputs have changed since the sweep: the
    point's figures would no longer be true. Promoting a point twice
    returns the draft made the first time.
    """
    point = FrontierPoint.objects.select_for_update().select_related("sweep").get(pk=point.pk)
    if point.promoted_plan_id is not None:
        return point.promoted_plan
    problem, document = planning.gather_inputs()
    if inputs_fingerprint(document) != point.sweep.inputs_fingerprint:
        raise ValidationError(
            _(
                "The planning inputs have changed since this sweep, so its figures no longer "
                "hold. Run the sweep again and choose from the new plans."
            ),
            code="inputs_changed",
        )
    problem = frontier.with_split_weight(problem, point.split_weight)
    assignment = point.wave_of()
    explanations, summary = solver.evaluate(problem, assignment)
    result = solver.PlanResult(
        status=point.solver_status,
        assignment=assignment,
        objective=summary.objective,
        gap=point.gap,
        solve_seconds=point.solve_seconds,
        explanations=explanations,
        summary=summary,
    )
    # The snapshot records the weights the plan was solved with, so the
    # plan is out of date until the coordinators adopt that split weight.
    fingerprints = {
        **document["fingerprints"],
        "weights": planning.inputs.digest(dataclasses.asdict(problem.weights)),
    }
    document = {
        **document,
        "weights": {**document["weights"], "split_neighbours": point.split_weight},
        "fingerprints": fingerprints,
        "fingerprint": planning.inputs.digest(fingerprints),
    }
    now = timezone.now()
    run = PlanRun.objects.create(
        origin=WavePlan.Origin.MANUAL,
        requested_by=by,
        reason=_("Chosen on the trade-off page: split weight %(weight)s (sweep no. %(sweep)s)")
        % {"weight": f"{point.split_weight:g}", "sweep": point.sweep_id},
        status=PlanRun.Status.RUNNING,
        started_at=now,
        attempts=1,
    )
    plan = planning.save_plan(run=run, problem=problem, document=document, result=result)
    run.status = PlanRun.Status.SUCCEEDED
    run.plan = plan
    run.finished_at = timezone.now()
    run.message = planning.describe_result(plan)
    run.save(update_fields=["status", "plan", "finished_at", "message"])
    point.promoted_plan = plan
    point.save(update_fields=["promoted_plan"])
    return plan
