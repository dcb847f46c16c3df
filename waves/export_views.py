"""Downloads of wave plans as Excel workbooks.

For coordinators and viewers: the workbook holds every municipality's
readiness answers and scores, which project managers do not see of each
other. Thin: authorise, then `exports` builds and the renderer streams.
"""

from django.shortcuts import get_object_or_404

from fmkrollout.spreadsheets import workbook_response
from municipalities.access import staff_roles_required

from . import exports
from .models import WavePlan


def plan_workbook_response(plan, user):
    return workbook_response(
        exports.filename(plan),
        exports.plan_sheets(plan, exported_by=user),
        properties=exports.properties(plan, user),
    )


@staff_roles_required
def plan_export(request, pk):
    plan = get_object_or_404(
        WavePlan.objects.visible_to(request.user).select_related("made_by", "published_by"),
        pk=pk,
    )
    return plan_workbook_response(plan, request.user)
