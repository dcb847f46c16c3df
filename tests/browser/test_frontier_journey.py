"""The coordinator weighs neighbours against wishes at /boelger/afvejning/."""

import pytest
from django.utils.module_loading import import_string
from playwright.sync_api import expect

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
    expect(page.locator("main")).to_contain_text("Afvejningen er ikke beregnet endnu")

    page.get_by_role("button", name="Beregn afvejningen").click()
    main = page.locator("main")
    expect(main).to_contain_text("Afvejningen er beregnet.")
    chart = main.locator("figure.frontier-chart svg[role=img]")
    assert chart.count() == 1
    table = main.get_by_role("table", name="Planer i afsøgningen")
    # Today's weights: 79 split pairs, 54 of 69 wishes; the 2013 draft beside.
    expect(table).to_contain_text("54 / 69")
    expect(table).to_contain_text("(nuværende)")
    expect(main).to_contain_text("Udkastet fra 2. december 2013")
    assert serious_violations(page) == []

    sweep = FrontierSweep.objects.get()
    point = sweep.points.order_by("split_pairs").first()
    number = list(sweep.points.values_list("pk", flat=True)).index(point.pk) + 1
    page.get_by_role("link", name=f"Åbn plan {number}", exact=True).click()
    # Compared with the current draft: who moves, who keeps their wave.
    expect(page.locator("main")).to_contain_text("beholder deres bølge")
    assert serious_violations(page) == []

    page.get_by_role("button", name="Gør denne plan til det nuværende udkast").click()
    expect(page.locator("main")).to_contain_text("er nu det nuværende udkast")
    draft = WavePlan.objects.current_draft()
    assert len(draft.summary["split_pairs"]) == point.split_pairs
    expect(page.locator(".figure-row")).to_contain_text(f"{point.split_pairs}")

    page.goto(f"{live_server.url}/boelger/afvejning/")
    expect(page.locator("main")).to_contain_text(f"er plan {number} fra denne afsøgning")


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
