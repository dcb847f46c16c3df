"""Recompute the wave plan: read the inputs, run the solver, save the plan.

The one path every trigger takes (admin button, `recompute_waves`, the
readiness signal, the nightly schedule): a `PlanRun` is queued, the task
calls `run_recomputation`, and the new plan with all its assignments is
written in ONE transaction, so a crash or a killed worker leaves no half
plan. Only one run computes at a time: it must hold the `PlanningLock` row,
taken with a conditional UPDATE. That is atomic on PostgreSQL and SQLite
alike; on SQLite, which has one writer at a time anyway, the lock merely
keeps the second run from solving the same inputs again.
"""

import hashlib
import json
import logging
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from municipalities.models import Municipality, NeighbourPair
from readiness.selectors import readiness_for_planning

from . import solver
from .models import (
    Assignment,
    FigureStatus,
    Pin,
    PlanningLock,
    PlanningWeights,
    PlanRun,
    VendorAgreement,
    Wave,
    WavePlan,
)

logger = logging.getLogger(__name__)

# Errors worth retrying: the database went away or a lock timed out.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)


class PlanningBusy(Exception):
    """Another recomputation holds the lock; try again later."""


def solver_time_limit():
    return float(settings.WAVES_SOLVER_TIME_LIMIT)


def coalesce_seconds():
    return int(settings.WAVES_RECOMPUTE_DELAY_SECONDS)


def lease():
    """How long a run may hold the lock before another may take it over:
    well past the solver's time limit, so only a dead run loses it."""
    return timedelta(seconds=2 * solver_time_limit() + 600)


# Inputs ----------------------------------------------------------------------


def _figure(figure):
    if figure is None:
        return {"status": FigureStatus.MISSING.value, "share": None}
    return {
        "status": figure.status,
        "share": figure.value,
        "source": figure.source,
        "definition": figure.definition,
        "measured_on": figure.measured_on.isoformat(),
    }


def gather_inputs(*, scenario=None):
    """The solver's problem and a JSON snapshot of everything it contains.

    A fixed number of queries whatever the number of municipalities.
    """
    waves = list(Wave.objects.all())
    weights = scenario if scenario is not None else PlanningWeights.current()
    readiness = readiness_for_planning()
    municipalities = Municipality.objects.select_related(
        "region__hospital_adoption",
        "gp_adoption",
        "eoj_vendor__vendor__plan__earliest_wave",
    ).order_by("code")
    agreements = {
        (a.plan_id, a.municipality_id): a.wave.number
        for a in VendorAgreement.objects.select_related("wave")
    }
    pins = {
        pin.municipality_id: pin
        for pin in Pin.objects.filter(Q(scenario=None) | Q(scenario=scenario))
        .select_related("wave")
        .order_by("scenario_id")  # NULLs first: a scenario's own pin wins
    }
    published = WavePlan.objects.published().first()
    current = {}
    if published is not None:
        current = dict(published.assignments.values_list("municipality_id", "wave__number"))

    inputs, snapshot = [], {}
    for municipality in municipalities:
        code = municipality.code
        ready = readiness.get(code)
        gp = getattr(municipality, "gp_adoption", None)
        hospital = getattr(municipality.region, "hospital_adoption", None)
        link = getattr(municipality, "eoj_vendor", None)
        vendor_name, earliest, limit_source = "", None, ""
        if link is not None:
            vendor_name = link.vendor.name
            plan = getattr(link.vendor, "plan", None)
            if plan is not None and (plan.pk, code) in agreements:
                earliest, limit_source = agreements[(plan.pk, code)], "agreement"
            elif plan is not None and plan.earliest_wave is not None:
                earliest, limit_source = plan.earliest_wave.number, "vendor_plan"
            if earliest is not None and link.override_limit:
                earliest, limit_source = None, "overridden"
        pin = pins.get(code)
        item = solver.MunicipalityInput(
            code=code,
            name=municipality.short_name,
            readiness=ready.score if ready else None,
            wish_wave=ready.wish_wave if ready else None,
            gp_adoption=gp.value if gp else None,
            hospital_adoption=hospital.value if hospital else None,
            earliest_wave=earliest,
            limit_source=vendor_name,
            pinned_wave=pin.wave.number if pin else None,
            current_wave=current.get(code),
        )
        inputs.append(item)
        snapshot[str(code)] = {
            "name": municipality.short_name,
            "readiness": item.readiness,
            "readiness_status": ready.status if ready else "not_started",
            "weight_set_version": ready.weight_set_version if ready else None,
            "wish_wave": item.wish_wave,
            "gp": _figure(gp),
            "hospital": _figure(hospital),
            "vendor": vendor_name,
            "earliest_wave": earliest,
            "limit_source": limit_source,
            "pin": {"wave": pin.wave.number, "reason": pin.reason} if pin else None,
            "current_wave": item.current_wave,
        }
    pairs = tuple(NeighbourPair.objects.order_by("a", "b").values_list("a", "b"))
    problem = solver.PlanningProblem(
        waves=tuple(solver.WaveSpec(w.number, w.capacity) for w in waves),
        municipalities=tuple(inputs),
        neighbour_pairs=pairs,
        weights=solver.Weights(**weights.weights_dict()),
        time_limit=solver_time_limit(),
    )
    document = {
        "version": 1,
        "weights": weights.weights_dict(),
        "waves": [{"number": w.number, "name": w.name, "capacity": w.capacity} for w in waves],
        "time_limit": problem.time_limit,
        "neighbour_pairs": [list(p) for p in pairs],
        "scenario": scenario.name if scenario else None,
        "published_plan": published.pk if published else None,
        "municipalities": snapshot,
    }
    canonical = json.dumps(
        {k: v for k, v in document.items() if k != "published_plan"}, sort_keys=True
    )
    document["fingerprint"] = hashlib.sha256(canonical.encode()).hexdigest()
    return problem, document


# Runs and the lock -------------------------------------------------------------


def request_recomputation(*, origin, by=None, reason="", scenario=None, dispatch=True):
    """Queue a run and (after commit) its task; return the run."""
    run = PlanRun.objects.create(
        origin=origin, requested_by=by, reason=reason[:500], scenario=scenario
    )
    if dispatch:
        _dispatch(run)
    return run


def _dispatch(run, countdown=None):
    from .tasks import recompute_wave_plan

    transaction.on_commit(
        lambda: recompute_wave_plan.apply_async(args=[run.pk], countdown=countdown)
    )


@transaction.atomic
def note_inputs_changed(*, reason, municipality_code=None):
    """React to new readiness answers or weights: mark the current plans as
    out of date and make sure ONE recomputation is pending.

    Changes that arrive while a run is queued join it (its `changes` count
    grows) instead of queueing another: many submissions within the delay
    (WAVES_RECOMPUTE_DELAY_SECONDS) give one recomputation.
    """
    origin = (
        WavePlan.Origin.WEIGHTS_CHANGED if reason == "weights" else WavePlan.Origin.ANSWERS_CHANGED
    )
    if municipality_code is not None:
        name = Municipality.objects.filter(code=municipality_code).values_list(
            "short_name", flat=True
        ).first() or str(municipality_code)
        note = _("Answers from %(name)s changed.") % {"name": name}
    else:
        note = _("Readiness weights changed.")
    mark_current_plans_stale(note)
    pending = (
        PlanRun.objects.select_for_update()
        .filter(
            status=PlanRun.Status.QUEUED,
            scenario=None,
            origin__in=[WavePlan.Origin.ANSWERS_CHANGED, WavePlan.Origin.WEIGHTS_CHANGED],
        )
        .order_by("pk")
        .first()
    )
    if pending is not None:
        pending.changes += 1
        if note not in pending.reason and len(pending.reason) + len(note) < 490:
            pending.reason = f"{pending.reason} {note}".strip()
        pending.save(update_fields=["changes", "reason"])
        return pending
    run = PlanRun.objects.create(origin=origin, reason=note)
    _dispatch(run, countdown=coalesce_seconds())
    return run


def mark_current_plans_stale(reason):
    """The published plan and the regular drafts no longer match the inputs."""
    WavePlan.objects.filter(
        Q(status=WavePlan.Status.PUBLISHED)
        | Q(status=WavePlan.Status.DRAFT, scenario__isnull=True)
    ).update(is_stale=True, stale_reason=reason[:300])


def _take_lock(run):
    PlanningLock.objects.get_or_create(pk=1)
    now = timezone.now()
    taken = PlanningLock.objects.filter(
        Q(run__isnull=True) | Q(run=run) | Q(taken_at__lt=now - lease()), pk=1
    ).update(run=run, taken_at=now)
    return taken == 1


def _release_lock(run):
    PlanningLock.objects.filter(pk=1, run=run).update(run=None, taken_at=None)


def _set(run, **fields):
    for name, value in fields.items():
        setattr(run, name, value)
    run.heartbeat_at = timezone.now()
    run.save(update_fields=[*fields, "heartbeat_at"])


def run_recomputation(*, run_id):
    """Compute a new plan for a queued run; return the finished run.

    Idempotent: a finished run is returned as it is, so a redelivered task
    does nothing twice. Raises PlanningBusy while another run holds the
    lock, and transient database errors, for the task to retry; any other
    failure ends the run as "failed" with the message kept for the
    coordinators (and the traceback in the log), never half a plan.
    """
    run = PlanRun.objects.select_related("scenario").get(pk=run_id)
    if run.is_finished:
        return run
    if not _take_lock(run):
        raise PlanningBusy(_("Another recomputation is running."))
    try:
        _set(
            run,
            status=PlanRun.Status.RUNNING,
            started_at=timezone.now(),
            attempts=run.attempts + 1,
            step=_("Reading the inputs"),
            message="",
        )
        problem, document = gather_inputs(scenario=run.scenario)
        previous = _latest_plan(run.scenario)
        if (
            previous is not None
            and previous.inputs.get("fingerprint") == document["fingerprint"]
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
        _set(
            run,
            step=_("Solving (time limit %(seconds)s s)") % {"seconds": f"{problem.time_limit:g}"},
        )
        result = solver.solve(problem)
        with transaction.atomic():
            plan = save_plan(run=run, problem=problem, document=document, result=result)
            if result.has_plan:
                _finish(run, PlanRun.Status.SUCCEEDED, plan=plan, message=describe_result(plan))
            else:
                _finish(run, PlanRun.Status.INFEASIBLE, plan=plan, message=plan.solver_message)
        return run
    except TRANSIENT_ERRORS:
        _release_lock_quietly(run, status=PlanRun.Status.QUEUED)
        raise
    except Exception as error:
        logger.exception("Wave plan recomputation %s failed", run.pk)
        _release_lock_quietly(
            run,
            status=PlanRun.Status.FAILED,
            message=_("The recomputation failed: %(error)s") % {"error": error},
        )
        return run
    finally:
        _release_lock(run)


def _release_lock_quietly(run, **fields):
    try:
        _set(run, finished_at=timezone.now(), step="", **fields)
    except DatabaseError:
        logger.exception("Could not record the end of run %s", run.pk)


def _finish(run, status, *, plan, message):
    _set(run, status=status, plan=plan, message=message, finished_at=timezone.now(), step="")


def _latest_plan(scenario):
    plans = WavePlan.objects.exclude(status=WavePlan.Status.HISTORICAL)
    plans = plans.filter(scenario=scenario) if scenario else plans.regular()
    return plans.order_by("-created_at", "-pk").first()


def run_summary(run):
    return {
        "run": run.pk,
        "status": run.status,
        "plan": run.plan_id,
        "message": run.message,
    }


# Saving ------------------------------------------------------------------------


def save_plan(*, run, problem, document, result):
    """Write the plan and its assignments (call inside a transaction).

    A feasible regular plan supersedes the older regular drafts (a
    scenario's, that scenario's older drafts): there is one current draft.
    """
    waves = {w.number: w for w in Wave.objects.all()}
    published = WavePlan.objects.published().first()
    origin = WavePlan.Origin.SCENARIO if run.scenario else run.origin
    plan = WavePlan(
        status=WavePlan.Status.DRAFT,
        origin=origin,
        scenario=run.scenario,
        made_by=run.requested_by,
        reason=run.reason,
        based_on=published,
        inputs=document,
        objective=result.objective,
        gap=result.gap,
        solve_seconds=round(result.solve_seconds, 3),
    )
    if not result.has_plan:
        plan.solver_status = WavePlan.SolverStatus.INFEASIBLE
        plan.summary = {"conflicts": [_conflict_json(c) for c in result.conflicts]}
        plan.solver_message = describe_conflicts(plan.summary["conflicts"], document)
        plan.save()
        return plan
    plan.solver_status = (
        WavePlan.SolverStatus.OPTIMAL
        if result.status == "optimal"
        else WavePlan.SolverStatus.FEASIBLE
    )
    if result.status == "feasible":
        plan.solver_message = _(
            "The time limit ran out before optimality was proven (gap %(gap).2f %%)."
        ) % {"gap": 100 * (result.gap or 0)}
    plan.summary = _summary_json(result.summary)
    older = WavePlan.objects.drafts().with_plan()
    older = older.filter(scenario=run.scenario) if run.scenario else older.regular()
    older.update(status=WavePlan.Status.SUPERSEDED, superseded_at=timezone.now())
    plan.save()
    municipalities = document["municipalities"]
    Assignment.objects.bulk_create(
        _assignment(plan, code, result.assignment[code], municipalities[str(code)], waves, result)
        for code in sorted(result.assignment)
    )
    return plan


def _assignment(plan, code, wave, inputs, waves, result):
    explanation = result.explanations[code]
    return Assignment(
        plan=plan,
        municipality_id=code,
        wave=waves[wave],
        is_pinned=inputs["pin"] is not None,
        pin_reason=inputs["pin"]["reason"] if inputs["pin"] else "",
        readiness_score=inputs["readiness"],
        wish_wave=inputs["wish_wave"],
        wish_met=explanation.wish_met,
        gp_adoption=inputs["gp"]["share"],
        hospital_adoption=inputs["hospital"]["share"],
        vendor_name=inputs["vendor"],
        earliest_wave=inputs["earliest_wave"],
        neighbours_in_other_waves=len(explanation.neighbours_other),
        explanation={
            "contributions": {k: round(v, 4) for k, v in explanation.contributions.items()},
            "neighbours_same": list(explanation.neighbours_same),
            "neighbours_other": list(explanation.neighbours_other),
            "move_costs": {
                str(w): {
                    "points": None if c.points is None else round(c.points, 4),
                    "partner": c.partner,
                    "blocked": c.blocked,
                }
                for w, c in explanation.move_costs.items()
            },
        },
    )


def _conflict_json(conflict):
    return {
        "kind": conflict.kind,
        "waves": list(conflict.waves),
        "capacity": conflict.capacity,
        "demand": conflict.demand,
        "pinned": list(conflict.pinned),
        "limited": list(conflict.limited),
        "code": conflict.code,
    }


def _summary_json(summary):
    return {
        "capacity_use": {str(w): list(v) for w, v in summary.capacity_use.items()},
        "split_pairs": [list(p) for p in summary.split_pairs],
        "wishes_met": summary.wishes_met,
        "wishes_total": summary.wishes_total,
        "average_readiness": {
            str(w): (None if v is None else round(v, 2))
            for w, v in summary.average_readiness.items()
        },
        "objective": round(summary.objective, 4),
    }


def _names(codes, document):
    municipalities = document.get("municipalities", {})
    return ", ".join(municipalities.get(str(c), {}).get("name", str(c)) for c in codes)


def describe_conflicts(conflicts, document):
    """The coordinator's explanation of why no plan exists, naming the pins,
    vendor limits and capacities that collide."""
    waves = {w["number"]: w for w in document.get("waves", [])}
    municipalities = document.get("municipalities", {})
    lines = []
    for conflict in conflicts:
        if conflict["kind"] == "pin_vendor_limit":
            item = municipalities.get(str(conflict["code"]), {})
            pinned, earliest = conflict["waves"]
            lines.append(
                _(
                    "%(name)s is pinned to wave %(pinned)s, but its EOJ vendor %(vendor)s "
                    "cannot support it before wave %(earliest)s. Move the pin or override "
                    "the vendor's limit."
                )
                % {
                    "name": item.get("name", conflict["code"]),
                    "pinned": pinned,
                    "vendor": item.get("vendor") or "?",
                    "earliest": earliest,
                }
            )
        elif conflict["kind"] == "capacity":
            wave_names = ", ".join(str(waves.get(w, {}).get("name", w)) for w in conflict["waves"])
            text = ngettext(
                "%(waves)s has room for %(capacity)s municipalities, but %(demand)s can only "
                "go there.",
                "%(waves)s have room for %(capacity)s municipalities together, but "
                "%(demand)s can only go there.",
                len(conflict["waves"]),
            ) % {
                "waves": wave_names,
                "capacity": conflict["capacity"],
                "demand": conflict["demand"],
            }
            if conflict["pinned"]:
                text += " " + _("Pinned: %(names)s.") % {
                    "names": _names(conflict["pinned"], document)
                }
            if conflict["limited"]:
                text += " " + _("Held back by their EOJ vendor's earliest wave: %(names)s.") % {
                    "names": _names(conflict["limited"], document)
                }
            text += " " + _("Remove pins, override vendor limits or raise the capacity.")
            lines.append(text)
        else:
            lines.append(
                _("%(name)s refers to wave %(wave)s, which does not exist.")
                % {
                    "name": municipalities.get(str(conflict["code"]), {}).get(
                        "name", conflict["code"]
                    ),
                    "wave": conflict["waves"][0] if conflict["waves"] else "?",
                }
            )
    return "\n".join(lines)


def describe_result(plan):
    summary = plan.summary
    return _(
        "%(plan)s: %(status)s, %(splits)s split neighbour pairs, %(met)s of %(wishes)s "
        "wishes met, solved in %(seconds).1f s."
    ) % {
        "plan": plan,
        "status": plan.get_solver_status_display(),
        "splits": len(summary.get("split_pairs", [])),
        "met": summary.get("wishes_met", 0),
        "wishes": summary.get("wishes_total", 0),
        "seconds": plan.solve_seconds or 0,
    }


def refresh_summary(plan):
    """Recount a plan's figures from its assignments (after a move by hand,
    or for a plan the solver did not make): capacity use, split pairs,
    wishes met, neighbours in other waves, average readiness."""
    assignments = list(plan.assignments.select_related("wave"))
    wave_of = {a.municipality_id: a.wave.number for a in assignments}
    neighbours = {code: [] for code in wave_of}
    split_pairs = []
    for a, b in NeighbourPair.objects.order_by("a", "b").values_list("a", "b"):
        if a in wave_of and b in wave_of:
            neighbours[a].append(b)
            neighbours[b].append(a)
            if wave_of[a] != wave_of[b]:
                split_pairs.append([a, b])
    changed = []
    for assignment in assignments:
        code, wave = assignment.municipality_id, assignment.wave.number
        other = sorted(n for n in neighbours[code] if wave_of[n] != wave)
        wish_met = None if assignment.wish_wave is None else assignment.wish_wave == wave
        if (assignment.neighbours_in_other_waves, assignment.wish_met) != (len(other), wish_met):
            assignment.neighbours_in_other_waves = len(other)
            assignment.wish_met = wish_met
            assignment.explanation = {
                **assignment.explanation,
                "neighbours_same": sorted(n for n in neighbours[code] if wave_of[n] == wave),
                "neighbours_other": other,
            }
            changed.append(assignment)
    Assignment.objects.bulk_update(
        changed, ["neighbours_in_other_waves", "wish_met", "explanation"]
    )
    waves = list(Wave.objects.all())
    readiness = {w.number: [] for w in waves}
    for a in assignments:
        if a.readiness_score is not None:
            readiness[a.wave.number].append(a.readiness_score)
    with_wish = [a for a in assignments if a.wish_wave is not None]
    plan.summary = {
        **plan.summary,
        "capacity_use": {
            str(w.number): [sum(1 for a in assignments if a.wave_id == w.pk), w.capacity]
            for w in waves
        },
        "split_pairs": split_pairs,
        "wishes_met": sum(1 for a in with_wish if a.wave.number == a.wish_wave),
        "wishes_total": len(with_wish),
        "average_readiness": {
            str(w): (round(sum(v) / len(v), 2) if v else None) for w, v in readiness.items()
        },
    }
    plan.save(update_fields=["summary"])
