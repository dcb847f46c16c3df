"""The wave panel on a municipality's start page (settings.MUNICIPALITY_PANELS)."""

from . import planning
from .models import Assignment, WavePlan


def municipality_panel(request, municipality):
    """The municipality's wave in the published plan, with its dates."""
    plan = WavePlan.objects.published().defer("inputs").first()
    assignment = None
    if plan is not None:
        planning.annotate_freshness([plan], staff=False)
        assignment = (
            Assignment.objects.select_related("wave")
            .filter(plan=plan, municipality=municipality)
            .first()
        )
    return {
        "template": "waves/_municipality_panel.html",
        "plan": plan,
        "assignment": assignment,
        "municipality": municipality,
    }
