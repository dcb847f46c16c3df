"""The wave panel on a municipality's start page (settings.MUNICIPALITY_PANELS)."""

from .models import Assignment, WavePlan


def municipality_panel(request, municipality):
    """The municipality's wave in the published plan, with its dates."""
    plan = WavePlan.objects.published().first()
    assignment = None
    if plan is not None:
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
