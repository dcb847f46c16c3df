"""The rollout panel on a municipality's start page (settings.MUNICIPALITY_PANELS)."""

from . import clock, selectors, services
from .models import Implementation


def municipality_panel(request, municipality):
    """Progress, overdue tasks and M1/M2, with the link to the checklist."""
    services.sync_with_published_plan()
    implementation = (
        Implementation.objects.select_related("wave").filter(municipality=municipality).first()
    )
    progress = None
    if implementation is not None:
        progress = selectors.progress_of(implementation, clock.today())
    return {
        "template": "rollout/_municipality_panel.html",
        "municipality": municipality,
        "implementation": implementation,
        "progress": progress,
    }
