"""The admin in Danish, third-party apps included (they ship no Danish)."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from municipalities.models import Municipality
from readiness.models import Questionnaire, Response
from readiness.services import save_answers
from tests.readiness.conftest import ALL_YES, answer_set

pytestmark = pytest.mark.django_db


def test_admin_index_names_the_task_apps_in_danish(coordinator_client):
    response = coordinator_client.get("/admin/")
    assertContains(response, "Planlagte opgaver")
    assertContains(response, "Opgaveresultater")
    assertNotContains(response, "Periodic Tasks")
    assertNotContains(response, "Celery Results")


def test_periodic_task_form_speaks_danish(coordinator_client):
    response = coordinator_client.get("/admin/django_celery_beat/periodictask/1/change/")
    assertContains(response, "Kort beskrivelse af opgaven")
    assertNotContains(response, "Short Description For This Task")


def test_history_of_a_response_is_in_danish_without_deleted_placeholders(
    coordinator_client, pm_odense
):
    questionnaire = Questionnaire.objects.current()
    questions = {q.key: q for q in questionnaire.questions.prefetch_related("options")}
    save_answers(
        municipality=Municipality.objects.get(code=461),
        questionnaire=questionnaire,
        answers=answer_set(questions, **ALL_YES),
        base_revision=0,
        by=pm_odense,
        submit=True,
    )
    response = Response.objects.get()
    page = coordinator_client.get(f"/admin/readiness/response/{response.pk}/history/")
    assertContains(page, "Ændret af")
    assertNotContains(page, "pk=None")
    assertNotContains(page, "Choose a date from the list below")
