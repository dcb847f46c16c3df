"""The wave plan pages for everyone signed in, and the start page panel."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from waves.models import WavePlan

pytestmark = pytest.mark.django_db


def test_anonymous_users_log_in_first(client, published):
    response = client.get("/boelger/")
    assert response.status_code == 302 and "/konto/login/" in response.url


def test_project_manager_sees_the_published_plan(odense_client, published):
    response = odense_client.get("/boelger/")
    assertContains(response, str(published))
    assertContains(response, "Odense")
    assertContains(response, "<svg", html=False)
    # Scores and wishes of other municipalities are not a project manager's.
    assertNotContains(response, "Parathed</th>")


def test_current_plan_says_so_when_nothing_is_published(odense_client, draft):
    assertContains(odense_client.get("/boelger/"), "ikke offentliggjort en bølgeplan")


def test_project_manager_cannot_open_a_draft(odense_client, draft):
    assert odense_client.get(f"/boelger/planer/{draft.pk}/").status_code == 404


def test_viewer_sees_drafts_and_comparisons(viewer_client, published):
    from waves.models import Pin, Wave

    from .conftest import recompute

    Pin.objects.create(municipality_id=101, wave=Wave.objects.get(number=3), reason="Aftalt")
    draft = recompute(origin=WavePlan.Origin.NIGHTLY).plan
    assert draft != published
    assert viewer_client.get(f"/boelger/planer/{draft.pk}/").status_code == 200
    response = viewer_client.get("/boelger/sammenlign/")
    assert response.context["left"] == published and response.context["right"] == draft


def test_project_manager_gets_no_comparison(odense_client, published):
    assert odense_client.get("/boelger/sammenlign/").status_code == 403


def test_explanation_of_own_municipality_is_in_plain_words(odense_client, published):
    assignment = published.assignments.get(municipality_id=461)
    response = odense_client.get(f"/boelger/planer/{published.pk}/kommuner/461/")
    assertContains(response, "Odense Kommune")
    assertContains(response, f"Odense er i bølge {assignment.wave.number}, fordi:")
    assertContains(response, "Kommunens parathed er")
    assertContains(response, "Demoleverandør B")
    # The solver's terms and figures are the coordinators'.
    for jargon in ("Point pr. kriterium", "Hvad en flytning ville koste", "løseren", "optimal"):
        assertNotContains(response, jargon)


def test_explanation_keeps_the_figures_for_coordinators_and_viewers(viewer_client, published):
    response = viewer_client.get(f"/boelger/planer/{published.pk}/kommuner/461/")
    assertContains(response, "Point pr. kriterium")
    assertContains(response, "Hvad en flytning ville koste")
    assertNotContains(response, "Odense er i bølge")


def test_project_manager_sees_no_objective_or_solver_status(odense_client, published):
    response = odense_client.get("/boelger/")
    assertNotContains(response, "lavere er bedre")
    assertNotContains(response, published.get_solver_status_display())


def test_viewer_sees_the_objective_and_solver_status(viewer_client, published):
    response = viewer_client.get(f"/boelger/planer/{published.pk}/")
    assertContains(response, "point (lavere er bedre)")
    assertContains(response, published.get_solver_status_display())


def test_an_out_of_date_plan_is_said_plainly_to_a_project_manager(
    odense_client, published, monkeypatch
):
    from waves.planning import inputs

    class OutOfDate:
        is_out_of_date, unknown, changed, changed_answers = True, False, ["adoption"], []

    monkeypatch.setattr(inputs, "freshness", lambda *args, **kwargs: OutOfDate())
    for url in ("/boelger/", f"/boelger/planer/{published.pk}/kommuner/461/", "/kommuner/461/"):
        response = odense_client.get(url)
        assertContains(response, "koordinatorerne forbereder en ny plan")
        assertNotContains(response, "orældet")


def test_explanation_of_another_municipality_is_hidden_from_a_project_manager(
    odense_client, published
):
    assert odense_client.get(f"/boelger/planer/{published.pk}/kommuner/751/").status_code == 404


def test_start_page_panel_shows_the_published_wave_and_dates(odense_client, published):
    wave = published.assignments.get(municipality_id=461).wave
    response = odense_client.get("/kommuner/461/")
    assertContains(response, wave.name)
    assertContains(response, "Hvorfor denne bølge?")
    # The reasons in words on the start page itself.
    assertContains(response, f"Odense er i bølge {wave.number}, fordi:")
    assertContains(response, "Kommunens parathed er")


def test_start_page_panel_without_a_published_plan(odense_client, draft):
    assertContains(odense_client.get("/kommuner/461/"), "endnu ikke offentliggjort")


def test_the_2013_draft_is_shown_as_a_historical_document(viewer_client, db):
    plan = WavePlan.objects.historical().get()
    response = viewer_client.get(f"/boelger/planer/{plan.pk}/")
    assertContains(response, "historisk dokument")
    assertContains(response, "28 af 28 pladser")


def test_explanation_says_the_plan_predates_new_answers(odense_client, published, pm_odense):
    from readiness.models import Questionnaire
    from readiness.services import save_answers
    from tests.readiness.conftest import ALL_YES, answer_set

    questionnaire = Questionnaire.objects.current()
    questions = {q.key: q for q in questionnaire.questions.prefetch_related("options")}
    url = f"/boelger/planer/{published.pk}/kommuner/461/"
    save_answers(
        municipality=pm_odense.municipality_memberships.get().municipality,
        questionnaire=questionnaire,
        answers=answer_set(questions, **ALL_YES),
        base_revision=0,
        by=pm_odense,
        submit=True,
    )
    response = odense_client.get(url)
    assertContains(response, "Planen er beregnet før de seneste svar")
    assertContains(response, "nu: 100.")
    assertContains(response, "hver nat")


def test_explanation_is_quiet_when_the_plan_has_the_answers(odense_client, published):
    assignment = published.assignments.get(municipality_id=461)
    assignment.readiness_score, assignment.wish_wave = None, None
    assignment.save()
    response = odense_client.get(f"/boelger/planer/{published.pk}/kommuner/461/")
    assertNotContains(response, "Planen er beregnet før de seneste svar")
