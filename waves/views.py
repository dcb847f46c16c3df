"""Wave plan pages for everyone signed in.

Project managers see the published (and older) plans and the explanation
of their own municipality's wave; coordinators and viewers see every plan,
drafts and scenarios included, and the comparisons. Coordinators change
plans in the admin.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy

from fmkrollout.links import PerMunicipality
from municipalities.access import (
    any_role_required,
    get_municipality_for_user,
    staff_roles_required,
)
from municipalities.models import Municipality
from municipalities.roles import Role, role_of
from readiness.selectors import readiness_for_planning

from . import planning
from .comparison import compare_plans
from .maps import choropleth, wave_categories
from .models import Assignment, Wave, WavePlan
from .solver import CRITERIA


def _is_staff(request):
    return role_of(request.user) in (Role.COORDINATOR, Role.VIEWER)


# A wave's table shows this many municipalities a page: all 98 real ones
# fit on one, and a page stays small with thousands.
PLAN_ROWS_PER_PAGE = 200


def _plan_context(request, plan):
    planning.annotate_freshness([plan], staff=_is_staff(request))
    waves = list(Wave.objects.all())
    # Every municipality's wave, for the counts and the map; model objects
    # only for the rows a page shows.
    wave_of = dict(plan.assignments.values_list("municipality_id", "wave_id"))
    number_of = {wave.pk: wave.number for wave in waves}
    visible = set(Municipality.objects.visible_to(request.user).values_list("code", flat=True))
    urls = _explanation_urls(plan, wave_of, visible)
    by_wave = []
    for wave in waves:
        count = sum(1 for wave_id in wave_of.values() if wave_id == wave.pk)
        page_field = f"side-{wave.number}"
        page = _Page(count, PLAN_ROWS_PER_PAGE, request.GET.get(page_field))
        rows = []
        if count:
            rows = list(plan.assignments.wave_rows().filter(wave=wave)[page.start : page.end])
            for row in rows:
                row["url"] = urls.get(row["code"])
        by_wave.append(
            {
                "wave": wave,
                "assignments": rows,
                "page": page.page,
                "page_field": page_field,
                "count": count,
                "over": count > wave.capacity,
                "under": count < wave.capacity,
            }
        )
    summary = plan.summary or {}
    return {
        "plan": plan,
        "by_wave": by_wave,
        "split_pairs": len(summary.get("split_pairs", [])),
        "map": choropleth(
            values={code: number_of[wave_id] for code, wave_id in wave_of.items()},
            categories=wave_categories(waves),
            urls=urls,
            outlined=_own_codes(request.user),
        ),
        "waves": waves,
        "average_readiness": [
            (wave, summary.get("average_readiness", {}).get(str(wave.number))) for wave in waves
        ],
    }


class _Page:
    """A page of a wave's rows from their count alone (known from the
    counts above), so that only that page's rows are read."""

    def __init__(self, count, per_page, number):
        self.page = Paginator(range(count), per_page).get_page(number)
        self.start = self.page.start_index() - 1 if count else 0
        self.end = self.page.end_index()


def _explanation_urls(plan, codes, visible):
    """Each municipality on the map links to why it is in its wave."""
    if not plan.has_plan or plan.status == WavePlan.Status.HISTORICAL:
        return {}
    explanation_url = PerMunicipality("waves:explanation", plan.pk)
    return {code: explanation_url(code) for code in codes if code in visible}


def _own_codes(user):
    """The project manager's own municipalities, outlined on the map."""
    if role_of(user) != Role.PROJECT_MANAGER:
        return set()
    return set(Municipality.objects.editable_by(user).values_list("code", flat=True))


@any_role_required
def plan_current(request):
    """The published plan: what every municipality works towards."""
    plan = WavePlan.objects.without_inputs().published().select_related("published_by").first()
    if plan is None:
        return render(request, "waves/no_plan.html")
    return render(request, "waves/plan_detail.html", _plan_context(request, plan))


@staff_roles_required
def plan_list(request):
    plans = list(
        WavePlan.objects.select_related("scenario", "made_by")
        .defer("inputs")
        .order_by("-created_at", "-pk")
    )
    planning.annotate_freshness(plans, staff=True)
    return render(request, "waves/plan_list.html", {"plans": plans})


@any_role_required
def plan_detail(request, pk):
    plan = get_object_or_404(
        WavePlan.objects.visible_to(request.user)
        .without_inputs()
        .select_related("scenario", "published_by"),
        pk=pk,
    )
    return render(request, "waves/plan_detail.html", _plan_context(request, plan))


CRITERION_LABELS = {
    "readiness": gettext_lazy("Readiness"),
    "wish": gettext_lazy("Own wish"),
    "gp_adoption": gettext_lazy("GP adoption"),
    "hospital_adoption": gettext_lazy("Hospital adoption"),
    "split": gettext_lazy("Neighbours in other waves"),
    "stability": gettext_lazy("Moved from the published plan"),
}


@any_role_required
def explanation(request, pk, code):
    """Why a municipality is in its wave: points per criterion, wish,
    neighbours, pin, vendor limit, and what moving it would cost."""
    plan = get_object_or_404(
        WavePlan.objects.visible_to(request.user).select_related("scenario"), pk=pk
    )
    municipality = get_municipality_for_user(request.user, code)
    planning.annotate_freshness([plan], staff=_is_staff(request))
    assignment = get_object_or_404(
        Assignment.objects.select_related("wave", "municipality__region"),
        plan=plan,
        municipality=municipality,
    )
    waves = {w.number: w for w in Wave.objects.all()}
    data = assignment.explanation or {}
    partners = [c.get("partner") for c in data.get("move_costs", {}).values()]
    names = dict(
        Municipality.objects.filter(
            code__in=data.get("neighbours_same", []) + data.get("neighbours_other", []) + partners
        ).values_list("code", "short_name")
    )
    other_plan_waves = {
        code: str(waves[number])
        for code, number in plan.assignments.values_list("municipality_id", "wave__number")
    }
    contributions = [
        (CRITERION_LABELS[name], data.get("contributions", {}).get(name))
        for name in CRITERIA
        if name in data.get("contributions", {})
    ]
    moves = []
    for number, cost in sorted(data.get("move_costs", {}).items()):
        moves.append(
            {
                "wave": waves.get(int(number)),
                "points": cost.get("points"),
                "partner": names.get(cost.get("partner")),
                "blocked": cost.get("blocked"),
            }
        )
    inputs = plan.inputs.get("municipalities", {}).get(str(code), {})
    # Project managers read the reasons in words; the points, the solver and
    # the what-if costs are the coordinators' and viewers'.
    plain_reasons = None
    if not _is_staff(request):
        plain_reasons = planning.explain_for_project_managers(
            assignment,
            names=names,
            limit_source=inputs.get("limit_source", ""),
            first_wave=min(waves, default=1),
        )
    return render(
        request,
        "waves/explanation.html",
        {
            "plain_reasons": plain_reasons,
            "plan": plan,
            "assignment": assignment,
            "municipality": municipality,
            "contributions": contributions,
            "total": sum(v for _name, v in contributions if v is not None),
            "neighbours_same": [
                (names.get(c, c), other_plan_waves.get(c)) for c in data.get("neighbours_same", [])
            ],
            "neighbours_other": [
                (names.get(c, c), other_plan_waves.get(c))
                for c in data.get("neighbours_other", [])
            ],
            "moves": moves,
            "inputs": inputs,
            "earliest_wave": waves.get(assignment.earliest_wave),
            "wish_wave": waves.get(assignment.wish_wave),
            "answers_after_plan": _answers_after_plan(assignment, waves),
        },
    )


def _answers_after_plan(assignment, waves):
    """The municipality's readiness now, when it differs from what the plan
    was computed with (its stored score and wish); None when they agree.

    Read from the answers themselves, so that "the plan predates your new
    answers" is said exactly when it is true for this municipality.
    """
    current = readiness_for_planning().get(assignment.municipality_id)
    if current is None:
        return None

    def rounded(score):
        return None if score is None else round(score, 1)

    if (rounded(current.score), current.wish_wave) == (
        rounded(assignment.readiness_score),
        assignment.wish_wave,
    ):
        return None
    return {"score": current.score, "wish_wave": waves.get(current.wish_wave)}


@staff_roles_required
def compare(request):
    """Two plans side by side; by default the current draft against the
    published plan (or the 2013 draft when nothing is published)."""
    plans = WavePlan.objects.with_plan().select_related("scenario")
    left = right = None
    try:
        if request.GET.get("a"):
            left = plans.get(pk=int(request.GET["a"]))
        if request.GET.get("b"):
            right = plans.get(pk=int(request.GET["b"]))
    except (ValueError, WavePlan.DoesNotExist) as error:
        raise Http404 from error
    left = left or plans.published().first() or plans.historical().first()
    right = right or plans.current_draft()
    comparison = None
    if left is not None and right is not None and left.pk != right.pk:
        comparison = compare_plans(left, right)
    return render(
        request,
        "waves/compare.html",
        {"comparison": comparison, "plans": plans, "left": left, "right": right},
    )
