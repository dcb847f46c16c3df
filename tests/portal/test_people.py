"""Who did something, when the user is gone: every page still shows it.

Revisions and reviews keep their author through a foreign key that is set
to NULL when the user is deleted, so each of these pages must render for
rows without an author (HTTP 500 until they did).
"""

import pytest
from django.test import Client
from pytest_django.asserts import assertContains

from fmkrollout.people import display_name
from municipalities.models import Municipality
from municipalities.roles import Role
from readiness.models import Questionnaire
from readiness.services import save_answers
from tests.conftest import make_user
from tests.readiness.conftest import ALL_YES, answer_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def gone_author():
    """Odense's answers, submitted by a project manager since deleted."""
    author = make_user("pl-tidligere", Role.PROJECT_MANAGER, [461])
    questionnaire = Questionnaire.objects.current()
    questions = {q.key: q for q in questionnaire.questions.prefetch_related("options")}
    save_answers(
        municipality=Municipality.objects.get(code=461),
        questionnaire=questionnaire,
        answers=answer_set(questions, **ALL_YES),
        base_revision=0,
        by=author,
        submit=True,
    )
    author.delete()


@pytest.mark.parametrize(
    "page", ["/parathed/461/", "/parathed/461/svar/", "/parathed/461/historik/"]
)
def test_readiness_pages_name_a_deleted_author(coordinator_client, gone_author, page):
    assertContains(coordinator_client.get(page), "en slettet bruger")


def test_a_person_is_named_by_full_name_then_username(coordinator):
    assert display_name(coordinator) == "koordinator"
    coordinator.first_name, coordinator.last_name = "Karen", "Koordinator"
    assert display_name(coordinator) == "Karen Koordinator"
    assert display_name(None) == "en slettet bruger"


def test_answers_page_still_names_a_present_author(client, pm_odense):
    questionnaire = Questionnaire.objects.current()
    questions = {q.key: q for q in questionnaire.questions.prefetch_related("options")}
    pm_odense.first_name = "Ole"
    pm_odense.save()
    save_answers(
        municipality=Municipality.objects.get(code=461),
        questionnaire=questionnaire,
        answers=answer_set(questions, **ALL_YES),
        base_revision=0,
        by=pm_odense,
        submit=True,
    )
    viewer_client = Client()
    viewer_client.force_login(make_user("laeser", Role.VIEWER))
    assertContains(viewer_client.get("/parathed/461/svar/"), "af Ole")
