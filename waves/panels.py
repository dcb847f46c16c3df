"""The wave panel on a municipality's start page (settings.MUNICIPALITY_PANELS)."""

from municipalities.models import Municipality

from . import planning
from .models import Assignment, Wave, WavePlan


def municipality_panel(request, municipality):
    """The municipality's wave in the published plan, with its dates."""
    plan = WavePlan.objects.published().defer("inputs").first()
    assignment = None
    if plan is not None:
        planning.annotate_freshness([plan], staff=False)
        assignment = (
            Assignment.objects.select_related("wave", "municipality__region")
            .filter(plan=plan, municipality=municipality)
            .first()
        )
    reasons = None
    if assignment is not None and plan.status != WavePlan.Status.HISTORICAL:
        data = assignment.explanation or {}
        codes = data.get("neighbours_same", []) + data.get("neighbours_other", [])
        reasons = planning.explain_for_project_managers(
            assignment,
            names=dict(
                Municipality.objects.filter(code__in=codes).values_list("code", "short_name")
            ),
            first_wave=Wave.objects.order_by("number").values_list("number", flat=True).first()
            or 1,
        )
    return {
        "template": "waves/_municipality_panel.html",
        "plan": plan,
        "assignment": assignment,
        "municipality": municipality,
        "reasons": reasons,
    }
