"""Downloads of wave plans as Excel workbooks.

Coordinators and viewers get the whole workbook, with every municipality's
readiness answers and scores; project managers, who do not see those of
each other, get the wave lists only, of the plans they may see (the
published one). Thin: authorise, then `exports` builds and the renderer
streams.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404

from fmkrollout.spreadsheets import workbook_response
from municipalities.roles import Role, role_of

from . import exports
from .models import WavePlan


def plan_workbook_response(plan, user, *, with_scores=True):
    return workbook_response(
        exports.filename(plan),
        exports.plan_sheets(plan, exported_by=user, with_scores=with_scores),
        properties=exports.properties(plan, user),
    )


@login_required
def plan_export(request, pk):
    plan = get_object_or_404(
        WavePlan.objects.visible_to(request.user).select_related("made_by", "published_by"),
        pk=pk,
    )
    with_scores = role_of(request.user) in {Role.COORDINATOR, Role.VIEWER}
    return plan_workbook_response(plan, request.user, with_scores=with_scores)
