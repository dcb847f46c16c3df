"""The trade-off page (/boelger/afvejning/): neighbours together against
wishes met, for coordinators and viewers.

Coordinators run the sweep and make a draft of a point; viewers see the
same page without the buttons. Project managers get 403, as on the other
pages that show every municipality's plan.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from municipalities.access import coordinator_required, staff_roles_required
from municipalities.models import Municipality, NeighbourPair

from . import frontier_chart, frontier_services
from .comparison import Comparison, Move
from .maps import choropleth, wave_categories
from .models import FrontierPoint, FrontierSweep, PlanningWeights, Wave, WavePlan

MARK_LABELS = {
    "draft": gettext_lazy("Current draft"),
    "published": gettext_lazy("Published plan"),
    "draft_2013": gettext_lazy("Draft of 2 December 2013"),
}
FORMER_DRAFT = gettext_lazy("Draft when swept")


def _marks(sweep, draft=None):
    """The marked plans in a fixed order, with their labels and names in
    today's language; a draft superseded since the sweep says so."""
    plans = WavePlan.objects.select_related("scenario").in_bulk(
        [mark["plan"] for mark in sweep.marks.values()]
    )
    marks = []
    for kind in frontier_services.MARKS:
        if kind not in sweep.marks or sweep.marks[kind]["plan"] not in plans:
            continue
        label = MARK_LABELS[kind]
        if kind == "draft" and (draft is None or draft.pk != sweep.marks[kind]["plan"]):
            label = FORMER_DRAFT
        plan = plans[sweep.marks[kind]["plan"]]
        marks.append({**sweep.marks[kind], "kind": kind, "label": label, "name": str(plan)})
    return marks


@staff_roles_required
def frontier(request):
    """The latest finished sweep as a chart and a table, and the state of
    a sweep still running."""
    sweeps = FrontierSweep.objects.select_related("requested_by").latest_first()
    latest = sweeps.first()
    shown = latest if latest is not None and latest.is_finished else sweeps.finished().first()
    points, marks, chart = [], [], None
    split_weight = PlanningWeights.current().split_neighbours
    draft = WavePlan.objects.current_draft()
    if shown is not None and shown.status == FrontierSweep.Status.DONE:
        points = list(shown.points.select_related("promoted_plan").defer("assignment"))
        for number, item in enumerate(points, start=1):
            item.number = number  # as on the chart
        marks = _marks(shown, draft)
        chart = frontier_chart.build(
            [(p.split_pairs, p.wishes_met) for p in points],
            {m["kind"]: (m["split_pairs"], m["wishes_met"]) for m in marks},
        )
    proposed = next((p for p in points if p.split_weight <= split_weight <= p.weight_up_to), None)
    draft_mark = shown.marks.get("draft") if shown is not None else None
    draft_point = next((p for p in points if draft and p.promoted_plan_id == draft.pk), None)
    return render(
        request,
        "waves/frontier.html",
        {
            "sweep": shown,
            "pending": latest if latest is not None and not latest.is_finished else None,
            "points": points,
            "marks": marks,
            "chart": chart,
            "split_weight": split_weight,
            "proposed": proposed,
            "draft": draft,
            "draft_point": draft_point,
            "draft_changed": draft is not None
            and draft_point is None
            and draft_mark is not None
            and draft_mark["plan"] != draft.pk,
        },
    )


@require_POST
@coordinator_required
def run(request):
    sweep = frontier_services.request_sweep(by=request.user)
    sweep.refresh_from_db()
    if sweep.is_finished:
        messages.success(request, _("The sweep is done."))
    else:
        messages.info(
            request, _("The sweep is running. It takes a few seconds; update the page to see it.")
        )
    return redirect("waves:frontier")


def _comparison(point, other, mark, municipalities):
    """How the point's plan differs from a marked plan (same inputs, so the
    split weight is the one reason)."""
    waves = {w.number: w for w in Wave.objects.all()}
    other_waves = dict(other.assignments.values_list("municipality_id", "wave__number"))
    wave_of = point.wave_of()
    moves = [
        Move(
            municipality=municipalities[code],
            from_wave=waves.get(other_waves.get(code)),
            to_wave=waves[wave],
            reasons=[],
        )
        for code, wave in sorted(wave_of.items(), key=lambda i: municipalities[i[0]].short_name)
        if other_waves.get(code) != wave
    ]
    other_weight = (other.inputs.get("weights") or {}).get("split_neighbours")
    plan_reasons = []
    if other_weight is not None and other_weight != point.split_weight:
        plan_reasons.append(
            _("weight for split neighbours %(old)s → %(new)s")
            % {"old": f"{other_weight:g}", "new": f"{point.split_weight:g}"}
        )
    figures = [
        (_("Split neighbour pairs"), mark["split_pairs"], point.split_pairs),
        (
            _("Wishes met"),
            f"{mark['wishes_met']} / {mark['wishes_total']}",
            f"{point.wishes_met} / {point.wishes_total}",
        ),
        (
            _("Cost of the readiness order (points)"),
            # number_format cuts decimals off; round first, as floatformat.
            number_format(round(mark["readiness_cost"], 1), 1),
            number_format(round(point.readiness_cost, 1), 1),
        ),
    ]
    return Comparison(
        left=mark["label"],
        right=_("This plan"),
        moves=moves,
        unchanged=len(wave_of) - len(moves),
        plan_reasons=plan_reasons,
        figures=figures,
    )


@staff_roles_required
def point(request, pk):
    """One plan of the sweep: its figures, map, waves, and what it changes
    against the current draft, the published plan or the 2013 draft."""
    point = get_object_or_404(
        FrontierPoint.objects.select_related("sweep", "promoted_plan"), pk=pk
    )
    sweep = point.sweep
    marks = _marks(sweep, WavePlan.objects.current_draft())
    chosen = next((m for m in marks if m["kind"] == request.GET.get("med")), None)
    chosen = chosen or (marks[0] if marks else None)
    waves = list(Wave.objects.all())
    wave_of = point.wave_of()
    municipalities = {
        m.code: m for m in Municipality.objects.select_related("region").order_by("short_name")
    }
    other_waves = {code: 0 for code in wave_of}
    for a, b in NeighbourPair.objects.values_list("a", "b"):
        if a in wave_of and b in wave_of and wave_of[a] != wave_of[b]:
            other_waves[a] += 1
            other_waves[b] += 1
    by_wave = []
    for wave in waves:
        rows = [
            (m, other_waves[code])
            for code, m in municipalities.items()
            if wave_of.get(code) == wave.number
        ]
        by_wave.append({"wave": wave, "rows": rows, "count": len(rows)})
    comparison = None
    if chosen is not None:
        other = WavePlan.objects.filter(pk=chosen["plan"]).first()
        if other is not None:
            comparison = _comparison(point, other, chosen, municipalities)
    return render(
        request,
        "waves/frontier_point.html",
        {
            "point": point,
            "sweep": sweep,
            "marks": marks,
            "chosen": chosen,
            "comparison": comparison,
            "by_wave": by_wave,
            "waves": waves,
            "map": choropleth(values=wave_of, categories=wave_categories(waves)),
            "planning_split_weight": PlanningWeights.current().split_neighbours,
        },
    )


@require_POST
@coordinator_required
def promote(request, pk):
    point = get_object_or_404(FrontierPoint, pk=pk)
    try:
        plan = frontier_services.promote_point(point=point, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(point)
    messages.success(
        request,
        _(
            "%(plan)s is the current draft now. Compare it with the published plan and publish "
            "it in the admin."
        )
        % {"plan": plan},
    )
    return redirect(plan)
