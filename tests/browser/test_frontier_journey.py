"""The coordinator weighs neighbours against wishes at /boelger/afvejning/."""

import pytest
from django.utils.module_loading import import_string

from tests.browser.conftest import serious_violations
from waves.models import FrontierSweep, WavePlan

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def demo(reference_data):
    """The demo data as `seed_demo` makes it: users, answers, a published
    plan and a draft."""
    from demo.management.commands.seed_demo import SEEDERS

    for dotted_path in SEEDERS:
        import_string(dotted_path)()


def test_coordinator_runs_the_sweep_and_makes_a_point_the_draft(page, live_server, login, demo):
    login("koordinator")
    page.goto(f"{live_server.url}/boelger/")
    page.get_by_role("link", name="Afvejningen: naboer eller ønsker").click()
    assert "Afvejningen er ikke beregnet endnu" in page.locator("main").inner_text()

    page.get_by_role("button", name="Beregn afvejningen").click()
    main = page.locator("main")
    assert "Afvejningen er beregnet." in main.inner_text()
    chart = main.locator("figure.frontier-chart svg[role=img]")
    assert chart.count() == 1
    table = main.get_by_role("table", name="Planer i afsøgningen")
    # Today's weights: 79 split pairs, 54 of 69 wishes; the 2013 draft beside.
    assert "54 / 69" in table.inner_text()
    assert "(nuværende)" in table.inner_text()
    assert "Udkastet fra 2. december 2013" in main.inner_text()
    assert serious_violations(page) == []

    sweep = FrontierSweep.objects.get()
    point = sweep.points.order_by("split_pairs").first()
    number = list(sweep.points.values_list("pk", flat=True)).index(point.pk) + 1
    page.get_by_role("link", name=f"Åbn plan {number}", exact=True).click()
    # Compared with the current draft: who moves, who keeps their wave.
    assert "beholder deres bølge" in page.locator("main").inner_text()
    assert serious_violations(page) == []

    page.get_by_role("button", name="Gør denne plan til det nuværende udkast").click()
    assert "er nu det nuværende udkast" in page.locator("main").inner_text()
    draft = WavePlan.objects.current_draft()
    assert len(draft.summary["split_pairs"]) == point.split_pairs
    assert f"{point.split_pairs}" in page.locator(".figure-row").inner_text()

    page.goto(f"{live_server.url}/boelger/afvejning/")
    assert f"er plan {number} fra denne afsøgning" in page.locator("main").inner_text()


def test_viewer_reads_the_trade_off(page, live_server, login, demo):
    from waves import frontier_services

    sweep = FrontierSweep.objects.create(split_weights=[1.0, 6.0])
    frontier_services.run_sweep(sweep_id=sweep.pk)
    login("laeser")
    page.goto(f"{live_server.url}/boelger/afvejning/")

    main = page.locator("main")
    assert main.locator("svg[role=img]").count() == 1
    assert main.get_by_role("button", name="Beregn afvejningen igen").count() == 0
    assert serious_violations(page) == []
