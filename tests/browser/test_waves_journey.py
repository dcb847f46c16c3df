"""The coordinator's wave plan journey in the admin, and the plan pages."""

import pytest
from playwright.sync_api import expect

from municipalities.roles import Role
from tests.conftest import make_user
from tests.waves.conftest import fake_readiness
from waves.models import Wave, WavePlan

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def plans(reference_data, monkeypatch):
    """Demo inputs, a published plan and a current draft."""
    from municipalities.models import Municipality
    from waves import demo_data, planning

    monkeypatch.setattr(
        planning.inputs,
        "readiness_for_planning",
        lambda: fake_readiness(Municipality.objects.values_list("code", flat=True)),
    )
    make_user("koordinator", Role.COORDINATOR, first_name="Karen")
    make_user("pl-461", Role.PROJECT_MANAGER, [461])
    demo_data.seed()
    return WavePlan.objects.published().get(), WavePlan.objects.current_draft()


def test_coordinator_moves_recomputes_compares_and_publishes(page, live_server, login, plans):
    published, draft = plans
    odense = draft.assignments.select_related("wave").get(municipality_id=461)
    target = Wave.objects.exclude(pk=odense.wave_id).order_by("number").first()
    login("koordinator")

    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="Bølgeplaner").first.click()
    page.get_by_role("link", name=str(draft), exact=True).click()
    expect(page.locator("#content")).to_contain_text("28 af 28")

    # Move Odense, with a reason: that pins it.
    page.locator("tr", has=page.get_by_role("link", name="Odense", exact=True)).locator(
        "input.action-select"
    ).check()
    page.locator("select[name=action]").select_option("move_to_wave")
    page.get_by_role("button", name="Udfør").click()
    page.get_by_label("Flyt til").select_option(str(target.pk))
    page.get_by_label("Begrundelse").fill("Kommunen har aftalt tidlig opgradering")
    page.get_by_role("button", name="Udfør").click()
    expect(page.locator("body")).to_contain_text("ændret og fastlåst")
    expect(page.locator("#content")).to_contain_text("Kommunen har aftalt tidlig opgradering")

    # Recompute: the run page shows the outcome.
    page.get_by_role("button", name="Genberegn").click()
    expect(page.locator("#content")).to_contain_text("Færdig")

    # Compare the new draft with the published plan.
    page.get_by_role("link", name="Sammenlign med den offentliggjorte plan").click()
    comparison = page.locator("#content")
    expect(comparison).to_contain_text("fastlåst til bølge")
    expect(comparison).to_contain_text("Odense")
    expect(comparison).to_contain_text(target.name)

    # Publish, after the confirmation with the comparison.
    page.get_by_role("link", name="Offentliggør…").click()
    expect(page.locator("#content")).to_contain_text("Odense")
    page.get_by_role("button", name="Ja, offentliggør planen").click()
    expect(page.locator("body")).to_contain_text("er offentliggjort")

    new = WavePlan.objects.published().get()
    assert new.pk not in (published.pk, draft.pk)
    assert new.assignments.get(municipality_id=461).wave == target
    published.refresh_from_db()
    assert published.status == WavePlan.Status.SUPERSEDED


def test_project_manager_sees_the_wave_and_why(page, live_server, login, assert_accessible, plans):
    login("pl-461")
    expect(page.locator("main")).to_contain_text("Hvorfor denne bølge?")
    assert_accessible()
    page.get_by_role("link", name="Hvorfor denne bølge?").click()
    # The reasons in words; the points per criterion are the coordinators'.
    expect(page.locator("main")).to_contain_text("Odense er i bølge")
    expect(page.locator("main")).to_contain_text("fordi:")
    expect(page.locator("main")).not_to_contain_text("Point pr. kriterium")
    assert_accessible()
    page.get_by_role("link", name="Bølgeplan", exact=True).first.click()
    assert page.locator("svg.choropleth-svg").count() == 1
    assert_accessible()
