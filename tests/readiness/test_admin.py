"""The coordinators' admin for questionnaires, weights and responses."""

import pytest
from pytest_django.asserts import assertContains

from municipalities.models import Municipality
from readiness.models import Questionnaire, Response, WeightSet

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/readiness/questionnaire/",
        "/admin/readiness/question/",
        "/admin/readiness/weightset/",
        "/admin/readiness/weightset/add/",
        "/admin/readiness/response/",
        "/admin/readiness/reminder/",
    ],
)
def test_coordinator_opens_the_readiness_admin(admin_client, url):
    assert admin_client.get(url).status_code == 200


def test_a_new_weight_set_is_prefilled_and_recomputes_the_scores(
    admin_client,
    coordinator,
    questionnaire,
    questions,
    submit,
    django_capture_on_commit_callbacks,
):
    submit(Municipality.objects.get(code=461), coordinator, eoj_budget="no")
    form = admin_client.get("/admin/readiness/weightset/add/").context["adminform"].form
    assert form[f"weight_{questions['eoj_budget'].pk}"].value() == 3
    data = {
        "questionnaire": questionnaire.pk,
        "note": "Budget vægter mindre",
        **{
            f"weight_{questions[key].pk}": 2
            for key in ("project_manager", "eoj_budget", "internal_resources", "signature_central")
        },
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/admin/readiness/weightset/add/", data)
    assert response.status_code == 302
    weight_set = WeightSet.objects.get(version=2)
    assert weight_set.created_by == coordinator
    assert weight_set.note == "Budget vægter mindre"
    # Equal weights: the missing budget costs a quarter.
    assert Response.objects.get().score == 75.0
    assert Response.objects.get().weight_set == weight_set


def test_weight_sets_cannot_be_edited(admin_client, questionnaire):
    weight_set = questionnaire.active_weight_set()
    url = f"/admin/readiness/weightset/{weight_set.pk}/change/"
    response = admin_client.post(url, {"note": "changed"})
    assert response.status_code == 403
    weight_set.refresh_from_db()
    assert weight_set.note != "changed"


def test_an_answered_questionnaire_shows_its_questions_read_only(
    admin_client, questionnaire, submit, coordinator, questions
):
    submit(Municipality.objects.get(code=461), coordinator)
    page = admin_client.get(f"/admin/readiness/question/{questions['eoj_budget'].pk}/change/")
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    response = admin_client.post(
        f"/admin/readiness/question/{questions['eoj_budget'].pk}/change/", {"text": "Nyt"}
    )
    assert response.status_code == 403


def test_copy_as_new_version_action(admin_client, questionnaire):
    admin_client.post(
        "/admin/readiness/questionnaire/",
        {"action": "copy_as_new_version", "_selected_action": [questionnaire.pk]},
    )
    copy = Questionnaire.objects.get(version=2)
    assert copy.questions.count() == 5 and not copy.is_current


def test_responses_are_read_only_with_history_and_demo_label(admin_client, submit, coordinator):
    submit(Municipality.objects.get(code=461), coordinator)
    response = Response.objects.get()
    Response.objects.filter(pk=response.pk).update(is_demo=True)
    listing = admin_client.get("/admin/readiness/response/")
    assertContains(listing, "DEMO")
    assert admin_client.get(f"/admin/readiness/response/{response.pk}/change/").status_code == 200
    history = admin_client.get(f"/admin/readiness/response/{response.pk}/history/")
    assertContains(history, "Indsendt (revision 1)")
    assert admin_client.post(f"/admin/readiness/response/{response.pk}/delete/").status_code == 403


def test_viewers_have_no_admin(client, viewer):
    client.force_login(viewer)
    assert client.get("/admin/readiness/response/").status_code == 302
