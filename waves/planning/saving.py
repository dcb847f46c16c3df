"""Saving what the solver found: a plan, its assignments and its figures.

Called inside the run's transaction, so a plan is written whole or not at
all. A plan moved by hand is recounted with the solver's own `evaluate`
on the problem it was computed from, so the figures on the review pages
are always the solver's arithmetic, never a second copy of it.
"""

import dataclasses

from django.utils import timezone

from .. import solver
from ..models import Assignment, Wave, WavePlan
from . import wording
from .inputs import problem_from_snapshot

NO_PLAN = {
    "infeasible": WavePlan.SolverStatus.INFEASIBLE,
    "timed_out": WavePlan.SolverStatus.TIMED_OUT,
}


def save_plan(*, run, problem, document, result):
    """Write the plan and its assignments (call inside a transaction).

    A regular plan supersedes the older regular drafts of its kind (a
    scenario's, that scenario's older drafts): one current draft with a
    plan, and at most one failed attempt beside it (the newest), so
    infeasible attempts do not pile up.
    """
    origin = WavePlan.Origin.SCENARIO if run.scenario else run.origin
    plan = WavePlan(
        status=WavePlan.Status.DRAFT,
        origin=origin,
        scenario=run.scenario,
        made_by=run.requested_by,
        reason=run.reason,
        based_on=WavePlan.objects.published().only("pk").first(),
        inputs=document,
        input_fingerprints=document["fingerprints"],
        objective=result.objective,
        gap=result.gap,
        solve_seconds=round(result.solve_seconds, 3),
    )
    older = WavePlan.objects.drafts()
    older = older.filter(scenario=run.scenario) if run.scenario else older.regular()
    if not result.has_plan:
        plan.solver_status = NO_PLAN[result.status]
        plan.summary = {"conflicts": [conflict_json(c) for c in result.conflicts]}
        if result.status == "timed_out":
            plan.solver_message = wording.describe_timeout(problem.time_limit)
        else:
            plan.solver_message = wording.describe_conflicts(plan.summary["conflicts"], document)
        _supersede(older.filter(solver_status__in=NO_PLAN.values()))
        plan.save()
        return plan
    plan.solver_status = (
        WavePlan.SolverStatus.OPTIMAL
        if result.status == "optimal"
        else WavePlan.SolverStatus.FEASIBLE
    )
    plan.summary = summary_json(result.summary)
    _supersede(older)
    plan.save()
    waves = {w.number: w for w in Wave.objects.all()}
    municipalities = document["municipalities"]
    Assignment.objects.bulk_create(
        _assignment(plan, code, result.assignment[code], municipalities[str(code)], waves, result)
        for code in sorted(result.assignment)
    )
    return plan


def _supersede(plans):
    plans.update(status=WavePlan.Status.SUPERSEDED, superseded_at=timezone.now())


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
        explanation=explanation_json(explanation),
    )


def explanation_json(explanation):
    return {
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
    }


def conflict_json(conflict):
    return {
        "kind": conflict.kind,
        "waves": list(conflict.waves),
        "capacity": conflict.capacity,
        "demand": conflict.demand,
        "pinned": list(conflict.pinned),
        "limited": list(conflict.limited),
        "code": conflict.code,
    }


def summary_json(summary):
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


def recount_plan(plan, *, problem=None):
    """Recount a plan's figures from its assignments with the solver's
    `evaluate` (after moves by hand, or for a plan the solver did not
    make, such as the 2013 draft): explanations, capacity use, split pairs,
    wishes met, average readiness and the objective.

    `problem` defaults to the one the plan was computed from; a plan
    without one (a historical document) needs it passed in.
    """
    problem = problem or problem_from_snapshot(plan.inputs)
    assignments = list(plan.assignments.select_related("wave"))
    wave_of = {a.municipality_id: a.wave.number for a in assignments}
    known = {m.code for m in problem.municipalities}
    problem = _only(problem, known & set(wave_of))
    explanations, summary = solver.evaluate(problem, wave_of)
    changed = []
    for assignment in assignments:
        explanation = explanations.get(assignment.municipality_id)
        if explanation is None:
            continue
        assignment.wish_met = explanation.wish_met
        assignment.neighbours_in_other_waves = len(explanation.neighbours_other)
        assignment.explanation = explanation_json(explanation)
        changed.append(assignment)
    Assignment.objects.bulk_update(
        changed, ["neighbours_in_other_waves", "wish_met", "explanation"], batch_size=500
    )
    plan.summary = {**(plan.summary or {}), **summary_json(summary)}
    if plan.solver_status != WavePlan.SolverStatus.NOT_SOLVED:
        plan.objective = summary.objective
    plan.save(update_fields=["summary", "objective"])
    return plan


def _only(problem, codes):
    """The problem restricted to the municipalities the plan assigns."""
    if len(codes) == len(problem.municipalities):
        return problem
    return dataclasses.replace(
        problem,
        municipalities=tuple(m for m in problem.municipalities if m.code in codes),
        neighbour_pairs=tuple(p for p in problem.neighbour_pairs if set(p) <= codes),
    )
