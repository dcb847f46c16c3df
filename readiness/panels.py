"""The readiness panel on a municipality's start page (settings.MUNICIPALITY_PANELS)."""

from django.utils import timezone

from municipalities.models import Municipality

from .models import Questionnaire, Response


def municipality_panel(request, municipality):
    """Status, deadline, score and review of the current questionnaire."""
    questionnaire = Questionnaire.objects.current()
    if questionnaire is None:
        return None
    response = (
        Response.objects.filter(municipality=municipality, questionnaire=questionnaire)
        .select_related("weight_set", "current_revision__created_by")
        .first()
    )
    return {
        "template": "readiness/_municipality_panel.html",
        "municipality": municipality,
        "questionnaire": questionnaire,
        "response": response,
        "can_edit": Municipality.objects.editable_by(request.user)
        .filter(code=municipality.code)
        .exists(),
        "deadline_passed": questionnaire.deadline < timezone.localdate(),
        "days_left": (questionnaire.deadline - timezone.localdate()).days,
    }
