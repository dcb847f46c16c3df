"""The coordinators' plan review and adjusting in the admin."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from tests.factories import synthetic_municipalities
from waves import planning
from waves.models import Assignment, Pin, PlanRun, Wave, WavePlan

pytestmark = pytest.mark.django_db

REVIEW = "/admin/waves/assignment/"


def review(client, plan, **params):
    return client.get(REVIEW, {"plan": plan.pk, **params})


def add_synthetic_municipalities(plan, count, first_code=2000):
    waves = list(Wave.objects.all())
    municipalities = synthetic_municipalities(count, first_code=first_code)
    Assignment.objects.bulk_create(
        Assignment(
            plan=plan,
            municipality=m,
            wave=waves[i % 3],
            vendor_name="Demoleverandør A",
            readiness_score=50,
            wish_wave=1,
            wish_met=i % 3 == 0,
        )
        for i, m in enumerate(municipalities)
    )


def count_queries(client, plan, **params):
    with CaptureQueriesContext(connection) as queries:
        response = review(client, plan, **params)
    assert response.status_code == 200
    return len(queries), response


def test_review_query_count_does_not_grow_with_the_municipalities(coordinator_client, draft):
    # One municipality more than the plan knows, so that both counts see an
    # out-of-date plan (which names the changed answers: one query more).
    add_synthetic_municipalities(draft, 1, first_code=1999)
    at_99, response = count_queries(coordinator_client, draft)
    assertContains(response, "Odense")
    add_synthetic_municipalities(draft, 901)
    at_1000, response = count_queries(coordinator_client, draft)
    assert response.context["cl"].result_count == 1000
    assert at_1000 == at_99


def test_filtered_review_query_count_is_constant(coordinator_client, draft):
    params = {"is_pinned__exact": "0", "wave__id__exact": Wave.objects.get(number=1).pk}
    add_synthetic_municipalities(draft, 1, first_code=1999)  # out of date in both counts
    before, _response = count_queries(coordinator_client, draft, **params)
    add_synthetic_municipalities(draft, 300)
    after, _response = count_queries(coordinator_client, draft, **params)
    assert before == after


def test_review_shows_capacity_figures_and_columns(coordinator_client, draft):
    response = review(coordinator_client, draft)
    assertContains(response, "28 af 28")
    assertContains(response, "Demoleverandør")
    assertContains(response, "Genberegn")
    assertContains(response, "Offentliggør…")
    assertContains(response, "Sammenlign med…")


def test_review_filters_and_search(coordinator_client, draft):
    response = review(coordinator_client, draft, q="Odense")
    assertContains(response, "Odense")
    assertNotContains(response, "Aabenraa")
    response = review(coordinator_client, draft, vendor="Demoleverandør D")
    assignments = response.context["cl"].result_list
    assert assignments and all(a.vendor_name == "Demoleverandør D" for a in assignments)
    response = review(coordinator_client, draft, wish_met__exact="1")
    assert all(a.wish_met for a in response.context["cl"].result_list)


def test_review_opens_the_current_draft_by_default(coordinator_client, draft):
    response = coordinator_client.get(REVIEW)
    assert response.context["plan"] == draft


def move(client, plan, code, wave, reason):
    assignment = plan.assignments.get(municipality_id=code)
    return client.post(
        f"{REVIEW}?plan={plan.pk}",
        {
            "action": "move_to_wave",
            "_selected_action": [assignment.pk],
            "apply": "1",
            "wave": wave.pk,
            "reason": reason,
        },
    )


def test_coordinator_moves_a_municipality_with_a_reason(coordinator_client, draft):
    current = draft.assignments.get(municipality_id=461).wave
    target = Wave.objects.exclude(pk=current.pk).first()
    response = move(coordinator_client, draft, 461, target, "Kommunen har bedt om det")
    assert response.status_code == 302
    assignment = draft.assignments.get(municipality_id=461)
    assert assignment.wave == target and assignment.is_pinned
    assert Pin.objects.get(municipality_id=461).reason == "Kommunen har bedt om det"


def test_a_move_without_a_reason_shows_the_form_again(coordinator_client, draft):
    current = draft.assignments.get(municipality_id=461).wave
    target = Wave.objects.exclude(pk=current.pk).first()
    response = move(coordinator_client, draft, 461, target, "")
    assert response.status_code == 200
    assertContains(response, "Begrundelse")
    assert draft.assignments.get(municipality_id=461).wave == current
    assert not Pin.objects.exists()


def test_the_move_form_shows_its_heading_once(coordinator_client, draft):
    target = Wave.objects.get(number=1)
    response = move(coordinator_client, draft, 461, target, "")
    assert response.content.decode().count("<h1>") == 1


def test_a_published_plan_offers_no_changes_and_refuses_them(coordinator_client, published):
    response = review(coordinator_client, published)
    assertNotContains(response, "move_to_wave")
    assertContains(response, "kan kun læses")
    current = published.assignments.get(municipality_id=461).wave
    target = Wave.objects.exclude(pk=current.pk).first()
    move(coordinator_client, published, 461, target, "Forsøg")
    assert published.assignments.get(municipality_id=461).wave == current
    assert not Pin.objects.exists()


def test_recompute_button_runs_and_shows_the_outcome(
    coordinator_client, draft, django_capture_on_commit_callbacks
):
    Pin.objects.create(municipality_id=461, wave=Wave.objects.get(number=3), reason="Test")
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            reverse("admin:waves_waveplan_recompute", args=[draft.pk])
        )
    run = PlanRun.objects.latest("pk")
    assert response.url == reverse("admin:waves_planrun_change", args=[run.pk])
    assert run.status == PlanRun.Status.SUCCEEDED and run.requested_by.username == "koordinator"
    page = coordinator_client.get(response.url)
    assertContains(page, "Gennemse planen")
    assertNotContains(page, 'http-equiv="refresh"')


def test_a_queued_run_page_refreshes_itself(coordinator_client, db):
    run = PlanRun.objects.create(origin=WavePlan.Origin.MANUAL)
    page = coordinator_client.get(reverse("admin:waves_planrun_change", args=[run.pk]))
    assertContains(page, 'http-equiv="refresh"')
    assertContains(page, "I kø")


def test_publish_confirmation_shows_the_comparison_then_publishes(coordinator_client, published):
    current = published.assignments.get(municipality_id=461).wave
    target = Wave.objects.exclude(pk=current.pk).first()
    Pin.objects.create(municipality_id=461, wave=target, reason="Test")
    from .conftest import recompute

    draft = recompute().plan
    url = reverse("admin:waves_waveplan_publish", args=[draft.pk])
    page = coordinator_client.get(url)
    assertContains(page, "Odense")
    assertContains(page, "Ja, offentliggør planen")
    response = coordinator_client.post(url, {"decision": ""})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == WavePlan.Status.PUBLISHED


def test_compare_with_any_other_plan(coordinator_client, draft):
    historical = WavePlan.objects.historical().get()
    url = reverse("admin:waves_waveplan_compare", args=[draft.pk])
    page = coordinator_client.get(url, {"other": historical.pk})
    assert page.context["comparison"].left == historical
    assertContains(page, "historisk dokument")


@pytest.mark.parametrize("view", ["compare", "publish"])
def test_compare_and_publish_show_their_heading_once(coordinator_client, draft, view):
    page = coordinator_client.get(reverse(f"admin:waves_waveplan_{view}", args=[draft.pk]))
    assert page.content.decode().count("<h1>") == 1


def test_project_managers_and_viewers_get_no_admin(odense_client, viewer, client, draft):
    assert odense_client.get(REVIEW).status_code == 302
    client.force_login(viewer)
    assert client.get(REVIEW).status_code == 302


def test_a_scenario_is_computed_beside_the_current_draft(
    coordinator_client, draft, django_capture_on_commit_callbacks
):
    from waves.models import Scenario

    scenario = Scenario.objects.get(name="Geografi vægtet højt (demo)")
    Pin.objects.create(
        municipality_id=461,
        wave=Wave.objects.get(number=2),
        reason="Kun i scenariet",
        scenario=scenario,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            "/admin/waves/scenario/",
            {"action": "compute", "_selected_action": [scenario.pk]},
        )
    assert response.status_code == 302
    plan = WavePlan.objects.get(scenario=scenario)
    assert plan.origin == WavePlan.Origin.SCENARIO
    assert plan.assignments.get(municipality_id=461).wave.number == 2
    assert plan.inputs["weights"]["split_neighbours"] == 4
    # The regular draft is untouched, and the two compare side by side.
    assert WavePlan.objects.current_draft() == draft
    page = coordinator_client.get(
        reverse("admin:waves_waveplan_compare", args=[plan.pk]), {"other": draft.pk}
    )
    assert page.context["comparison"].right == plan


def test_changing_the_planning_weights_marks_the_draft_out_of_date(coordinator_client, draft):
    from waves.models import PlanningWeights

    weights = PlanningWeights.current()
    data = {name: getattr(weights, name) for name in PlanningWeights.WEIGHT_NAMES}
    data["split_neighbours"] = 5
    response = coordinator_client.post(f"/admin/waves/planningweights/{weights.pk}/change/", data)
    assert response.status_code == 302
    assert planning.freshness(draft).changed == ("weights",)
    assert PlanningWeights.current().split_neighbours == 5
    assertContains(review(coordinator_client, draft), "planlægningsvægte")


def test_review_reads_no_snapshot_explanation_or_outline(coordinator_client, draft):
    """At 5,000 municipalities these made one request take 33 s and 6.3 GB."""
    with CaptureQueriesContext(connection) as queries:
        assert review(coordinator_client, draft).status_code == 200
    selected = " ".join(q["sql"] for q in queries if q["sql"].startswith("SELECT"))
    assert '"waves_waveplan"."inputs"' not in selected
    assert '"waves_assignment"."explanation"' not in selected
    assert "geometry" not in selected


@pytest.mark.parametrize("model", ["waveplan", "planrun", "assignment"])
def test_a_mistyped_object_url_is_not_found_rather_than_a_crash(coordinator_client, draft, model):
    # The admin's catch-all hands "2/recompute" to change_view as the id.
    response = coordinator_client.get(f"/admin/waves/{model}/{draft.pk}/recompute/change/")
    assert response.status_code == 404
