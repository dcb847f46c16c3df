"""The project manager's journey and who may see and change what."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from municipalities.roles import Role
from readiness.models import Response, ReviewStatus
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

FORM = "/parathed/461/"


def form_data(questions, revision=0, action="draft", **chosen):
    data = {"revision": revision, "action": action}
    for key, value in chosen.items():
        if key.endswith("_date"):
            data[f"{key[:-5]}-date"] = value
        elif key.endswith("_comment"):
            data[f"{key[:-8]}-comment"] = value
        else:
            data[key] = questions[key].options.get(key=value).pk
    return data


COMPLETE = {
    "project_manager": "yes",
    "eoj_budget": "planned",
    "eoj_budget_date": "2014-03-01",
    "internal_resources": "yes",
    "signature_central": "yes",
    "wish": "q2_2014",
}


def test_anonymous_users_are_sent_to_log_in(client):
    assertRedirects(client.get(FORM), f"/konto/login/?next={FORM}", fetch_redirect_response=False)


def test_project_manager_sees_every_question_on_one_page(odense_client, questions):
    response = odense_client.get(FORM)
    assertContains(response, "Har kommunen budget til eksterne omkostninger")
    assertContains(response, "Signatur Central")
    assertContains(response, "Gem kladde")
    assertContains(response, "Indsend")
    assertContains(response, 'name="revision" value="0"', html=False)


def test_save_draft_keeps_a_partial_answer(odense_client, questions):
    data = form_data(questions, eoj_budget="no", eoj_budget_comment="Afventer budget")
    assertRedirects(odense_client.post(FORM, data), FORM)
    response = odense_client.get(FORM)
    assertContains(response, "Afventer budget")
    assertContains(response, 'name="revision" value="1"', html=False)
    assert Response.objects.get(municipality_id=461).status == "draft"


def test_submit_with_a_missing_answer_shows_the_error_at_the_question(odense_client, questions):
    incomplete = {k: v for k, v in COMPLETE.items() if k != "signature_central"}
    data = form_data(questions, action="submit", **incomplete)
    response = odense_client.post(FORM, data)
    assert response.status_code == 200
    assertContains(response, 'id="error-summary"')
    assertContains(response, 'href="#id_signature_central_0"')
    assert response.context["form"].errors == {
        "signature_central": ["Vælg et svar, før du indsender."]
    }
    assert not Response.objects.exists()


def test_planned_without_a_date_is_an_error_at_the_date(odense_client, questions):
    data = form_data(questions, action="submit", **COMPLETE)
    data["eoj_budget-date"] = ""
    response = odense_client.post(FORM, data)
    assert list(response.context["form"].errors) == ["eoj_budget-date"]


# The questionnaire's form as the DKFDS pattern asks: the hint and error of
# each expected date name the question's own "planned" answer, a failed
# submit says so in the title, every inline error is tied to its field, and
# the date is one native date field.


def test_the_date_hint_names_the_questions_own_planned_answer(odense_client, questions):
    response = odense_client.get(FORM)
    form = response.context["form"]
    assert form["project_manager-date"].help_text == (
        "Kun hvis svaret er “Under udpegning / planlagt”."
    )
    assert form["eoj_budget-date"].help_text == (
        "Kun hvis svaret er “Under etablering / planlagt”."
    )


def test_a_missing_date_error_names_the_answer_given(odense_client, questions):
    data = form_data(questions, action="submit", **{**COMPLETE, "project_manager": "planned"})
    response = odense_client.post(FORM, data)
    assert response.context["form"].errors == {
        "project_manager-date": [
            "Du har svaret “Under udpegning / planlagt”: angiv den dato, hvor I forventer, "
            "at det er på plads."
        ]
    }


def test_a_failed_submit_says_error_first_in_the_title(odense_client, questions):
    incomplete = {k: v for k, v in COMPLETE.items() if k != "signature_central"}
    response = odense_client.post(FORM, form_data(questions, action="submit", **incomplete))
    assertContains(response, "<title>Fejl: Spørgeskema om parathed", html=False)
    assertNotContains(odense_client.get(FORM), "<title>Fejl:", html=False)


def test_each_inline_error_is_tied_to_its_field(odense_client, questions):
    data = form_data(questions, action="submit", **{**COMPLETE, "project_manager": "planned"})
    data.pop("signature_central")
    data["wish-comment"] = "x" * 2001
    response = odense_client.post(FORM, data)
    # The radio group: its fieldset names the hint and the error.
    assertContains(
        response,
        'aria-describedby="id_signature_central_helptext id_signature_central_error"',
        html=False,
    )
    assertContains(response, 'id="id_signature_central_error"', count=1, html=False)
    # The date and the comment: the field itself names its hint and error.
    for name in ("project_manager-date", "wish-comment"):
        assertContains(
            response, f'aria-describedby="id_{name}_helptext id_{name}_error"', html=False
        )
        assertContains(response, f'id="id_{name}_helptext"', count=1, html=False)
        assertContains(response, f'id="id_{name}_error"', count=1, html=False)


def test_the_expected_date_is_one_native_date_field_in_iso_format(odense_client, questions):
    odense_client.post(FORM, form_data(questions, **COMPLETE))
    response = odense_client.get(FORM)
    assertContains(response, 'type="date"', count=4, html=False)
    assertContains(
        response, 'type="date" name="eoj_budget-date" value="2014-03-01"', count=1, html=False
    )


def test_the_date_field_says_which_answer_shows_it(odense_client, questions):
    # questionnaire.js hides the date unless this answer is chosen; without
    # JavaScript the field and its hint stay.
    planned = questions["eoj_budget"].options.get(key="planned")
    response = odense_client.get(FORM)
    assertContains(
        response, f'data-shown-with="eoj_budget" data-shown-for="{planned.pk}"', html=False
    )
    assertContains(response, "readiness/questionnaire", html=False)
    assertNotContains(response, "<script>", html=False)


def test_submit_redirects_to_the_score(odense_client, questions):
    response = odense_client.post(FORM, form_data(questions, action="submit", **COMPLETE))
    assertRedirects(response, "/parathed/461/svar/")
    page = odense_client.get("/parathed/461/svar/")
    # 20 + 15 + 20 + 30
    assertContains(page, '<span class="figure" id="readiness-score">85,0</span>', html=False)
    assertContains(page, "Et budget til opgradering af EOJ ville give 15,0 point mere.")


def test_conflict_keeps_both_inputs(client, questions, pm_odense):
    colleague = make_user("pl-461-b", Role.PROJECT_MANAGER, [461])
    client.force_login(colleague)
    client.post(FORM, form_data(questions, eoj_budget="no"))  # revision 1
    # Both have revision 1 open; the colleague saves first.
    client.post(FORM, form_data(questions, revision=1, eoj_budget="yes", wish="q4_2014"))
    client.force_login(pm_odense)
    mine = form_data(
        questions, revision=1, eoj_budget="planned", eoj_budget_comment="Min egen note"
    )
    response = client.post(FORM, mine)
    assert response.status_code == 200
    assertContains(response, "Ikke gemt")
    # Their change is shown next to the question ...
    assertContains(response, "Gemt i mellemtiden af en anden")
    # ... and my input stays on the form, based on their revision now.
    assertContains(response, "Min egen note")
    form = response.context["form"]
    assert form["eoj_budget"].value() == str(questions["eoj_budget"].options.get(key="planned").pk)
    assert form["revision"].value() == 2
    stored = Response.objects.get(municipality_id=461)
    assert stored.revision == 2 and stored.current_revision.created_by == colleague
    # Saving again (after reconciling) goes through.
    mine["revision"] = 2
    assertRedirects(client.post(FORM, mine), FORM)
    assert Response.objects.get(municipality_id=461).revision == 3


class TestAccess:
    def test_pm_cannot_open_another_municipalitys_form_or_answers(self, odense_client):
        for url in ("/parathed/751/", "/parathed/751/svar/", "/parathed/751/historik/"):
            assert odense_client.get(url).status_code == 404

    def test_pm_cannot_write_another_municipalitys_answers(self, odense_client, questions):
        response = odense_client.post("/parathed/751/", form_data(questions, **COMPLETE))
        assert response.status_code == 404
        assert not Response.objects.exists()

    def test_a_tampered_hidden_field_cannot_move_the_save(self, odense_client, questions):
        data = form_data(questions, **COMPLETE)
        # Fields a forger might add: none of them decides where the answers go.
        data.update(municipality="751", municipality_code="751", code="751", response="1")
        odense_client.post(FORM, data)
        assert list(Response.objects.values_list("municipality_id", flat=True)) == [461]

    def test_a_tampered_revision_cannot_overwrite(
        self, odense_client, coordinator, questions, client
    ):
        odense_client.post(FORM, form_data(questions, eoj_budget="no"))
        response = odense_client.post(FORM, form_data(questions, revision=7, eoj_budget="yes"))
        assertContains(response, "Ikke gemt")
        assert Response.objects.get().revision == 1

    def test_an_option_of_another_question_is_invalid(self, odense_client, questions):
        data = form_data(questions)
        data["eoj_budget"] = questions["wish"].options.first().pk
        response = odense_client.post(FORM, data)
        assert "eoj_budget" in response.context["form"].errors
        assert not Response.objects.exists()

    def test_viewer_reads_answers_but_cannot_write(self, viewer_client, questions):
        assertRedirects(viewer_client.get(FORM), "/parathed/461/svar/")
        assert viewer_client.get("/parathed/461/svar/").status_code == 200
        assert viewer_client.post(FORM, form_data(questions, **COMPLETE)).status_code == 403
        assert not Response.objects.exists()

    def test_pm_cannot_review(self, odense_client):
        response = odense_client.post("/parathed/461/gennemgang/", {"decision": "accepted"})
        assert response.status_code == 403

    def test_pm_cannot_see_the_overview(self, odense_client):
        assert odense_client.get(reverse("readiness:overview")).status_code == 403


def test_expired_session_returns_the_filled_form_after_login(client, pm_odense, questions):
    data = form_data(questions, eoj_budget="no", eoj_budget_comment="Skrevet før timeout")
    response = client.post(FORM, data)
    assertRedirects(response, f"/konto/login/?next={FORM}", fetch_redirect_response=False)
    assert not Response.objects.exists()
    login = client.post("/konto/login/", {"username": "pl-461", "password": "demo", "next": FORM})
    assertRedirects(login, FORM, fetch_redirect_response=False)
    page = client.get(FORM)
    assertContains(page, "Dine svar er ikke gemt endnu")
    assertContains(page, "Skrevet før timeout")
    # Shown once: a later visit shows the saved state (nothing saved yet).
    assertNotContains(client.get(FORM), "Skrevet før timeout")


def test_kept_answers_are_not_shown_to_someone_who_cannot_edit(client, viewer, questions):
    client.post(FORM, form_data(questions, eoj_budget_comment="Hemmeligt"))
    client.force_login(viewer)
    assertNotContains(client.get(FORM, follow=True), "Hemmeligt")


def test_pm_with_two_municipalities_switches_between_them(client):
    user = make_user("pl-oerne", Role.PROJECT_MANAGER, [482, 492])
    client.force_login(user)
    page = client.get("/parathed/482/")
    assertContains(page, 'href="/parathed/492/"')
    assert client.get("/parathed/492/").status_code == 200


def test_start_page_panel_shows_status_deadline_score_and_review(
    odense_client, questions, coordinator
):
    odense_client.post(FORM, form_data(questions, action="submit", **COMPLETE))
    response = Response.objects.get()
    from readiness.services import review_response

    review_response(
        response=response,
        decision=ReviewStatus.CLARIFICATION,
        comment="Uddyb budgettet",
        by=coordinator,
    )
    page = odense_client.get("/kommuner/461/")
    assertContains(page, "Parathed til FMK")
    assertContains(page, "Indsendt")
    assertContains(page, "85,0")
    assertContains(page, "29. november 2013")
    assertContains(page, "Uddyb budgettet")


def test_coordinator_reviews_from_the_answers_page(coordinator, pm_odense, questions):
    pm_client, coordinator_client = Client(), Client()
    pm_client.force_login(pm_odense)
    coordinator_client.force_login(coordinator)
    pm_client.post(FORM, form_data(questions, action="submit", **COMPLETE))
    page = coordinator_client.get("/parathed/461/svar/")
    assertContains(page, "Gennemgang")
    response = coordinator_client.post(
        "/parathed/461/gennemgang/", {"decision": "accepted", "comment": ""}
    )
    assertRedirects(response, "/parathed/461/svar/")
    assert Response.objects.get().review_status == ReviewStatus.ACCEPTED
    history = coordinator_client.get("/parathed/461/historik/")
    assertContains(history, "Godkendt")
    assertContains(history, "Revision 1")


def test_history_says_who_changed_what(odense_client, questions):
    odense_client.post(FORM, form_data(questions, eoj_budget="no"))
    odense_client.post(FORM, form_data(questions, revision=1, eoj_budget="yes"))
    page = odense_client.get("/parathed/461/historik/")
    assertContains(page, "Revision 2: Kladde gemt")
    assertContains(page, "pl-461")
    assert [c["question"].key for c in page.context["entries"][0]["changes"]] == ["eoj_budget"]


def test_a_passed_deadline_is_said_but_submitting_still_works(odense_client, questions):
    assertContains(odense_client.get(FORM), "overskredet")
    response = odense_client.post(FORM, form_data(questions, action="submit", **COMPLETE))
    assertRedirects(response, "/parathed/461/svar/")


def test_a_deadline_ahead_shows_the_days_left(odense_client, questionnaire):
    questionnaire.deadline = timezone.localdate() + datetime.timedelta(days=3)
    questionnaire.save()
    assertContains(odense_client.get("/kommuner/461/"), "3 dage tilbage")


def test_opening_the_review_address_leads_to_the_review_form(coordinator_client):
    response = coordinator_client.get("/parathed/461/gennemgang/")
    assertRedirects(response, "/parathed/461/svar/#review-heading", fetch_redirect_response=False)


def test_project_managers_cannot_open_the_review_address(odense_client):
    assert odense_client.get("/parathed/461/gennemgang/").status_code == 403
