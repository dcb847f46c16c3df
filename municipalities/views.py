from django.conf import settings
from django.shortcuts import render
from django.utils.module_loading import import_string

from .access import any_role_required, get_municipality_for_user
from .models import Municipality


@any_role_required
def municipality_list(request):
    municipalities = Municipality.objects.visible_to(request.user).select_related("region")
    return render(
        request, "municipalities/municipality_list.html", {"municipalities": municipalities}
    )


@any_role_required
def municipality_detail(request, code):
    """A municipality's start page.

    The apps above this one contribute panels (readiness status, wave) named
    in settings.MUNICIPALITY_PANELS, so this app imports none of them.
    """
    municipality = get_municipality_for_user(request.user, code)
    panels = []
    for dotted_path in settings.MUNICIPALITY_PANELS:
        panel = import_string(dotted_path)(request, municipality)
        if panel is not None:
            panels.append(panel)
    neighbours = Municipality.objects.filter(code__in=municipality.neighbour_codes())
    return render(
        request,
        "municipalities/municipality_detail.html",
        {"municipality": municipality, "panels": panels, "neighbours": neighbours},
    )
