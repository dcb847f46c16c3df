"""The rollout in a real browser: Odense's project manager ticks off the
last M1 task with the keyboard only and sees M1 reached; the coordinator
sees it on the dashboard and in the export. axe on every new page."""

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from municipalities.roles import Role
from rollout import services
from rollout.models import Implementation, Task
from tests.conftest import make_user
from tests.rollout.conftest import publish_copy_of
from waves.models import WavePlan

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LAST_M1_TASK = "training-environment"


@pytest.fixture
def odense_almost_at_m1(reference_data):
    make_user("pl-461", Role.PROJECT_MANAGER, [461], first_name="Pia", last_name="Lund")
    make_user("koordinator", Role.COORDINATOR)
    publish_copy_of(WavePlan.objects.historical().get())
    services.sync_with_published_plan()
    odense = Implementation.objects.get(municipality_id=461)
    Task.objects.filter(implementation=odense, template__milestone="M1").exclude(
        template__key=LAST_M1_TASK
    ).update(status="done", done_on="2014-06-02", version=2)
    return odense


def test_pm_reaches_m1_with_the_keyboard_and_the_coordinator_sees_it(
    page, live_server, login, assert_accessible, odense_almost_at_m1
):
    login("pl-461")
    page.goto(f"{live_server.url}/kommuner/461/")
    assert_accessible()
    page.get_by_role("link", name="Implementeringens tjekliste").click()
    assert page.url.endswith("/udrulning/461/")
    expect(page.locator("main")).not_to_contain_text("M1 er ikke nået")
    assert_accessible()

    # Keyboard only: Tab to the task's "mark as done" button and press Enter.
    button = page.get_by_role("button", name="Markér som udført: Etablér uddannelsesmiljø")
    page.locator("body").focus()
    for _ in range(400):
        page.keyboard.press("Tab")
        if button.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("the button cannot be reached with Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    main = page.locator("main").inner_text()
    assert "M1 er nået." in main
    expect(page.locator("#milestone-M1")).to_contain_text("nået")
    assert_accessible()

    # A task's own page, edited with the keyboard: the comment and Save.
    page.goto(f"{live_server.url}/udrulning/461/")
    page.get_by_role("link", name="Redigér: Opgradér EOJ til FMK-version").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_accessible()
    page.get_by_label("Kommentar").focus()
    page.keyboard.type("Opgraderet i weekenden")
    page.get_by_role("button", name="Gem opgaven").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("Opgraderet i weekenden")

    page.get_by_role("button", name="Log ud").click()
    login("koordinator")
    page.goto(f"{live_server.url}/udrulning/")
    assert_accessible()
    page.get_by_label("Farv kortet efter").select_option("milestones")
    with page.expect_navigation():
        page.get_by_role("button", name="Vis").click()
    expect(page.locator("#map-table")).to_contain_text("Odense")
    assert_accessible()
    page.get_by_label("Bølge", exact=True).select_option(label="Bølge 1 (2. kvartal 2014)")
    with page.expect_navigation():
        page.locator("#municipalities").get_by_role("button").click()
    assert_accessible()
    table = page.locator(".rollout-table")
    odense_row = table.locator("tr", has=page.get_by_role("link", name="Odense", exact=True))
    # The M1 column has the date it was reached.
    assert odense_row.locator("td").nth(8).inner_text().strip() != "–"

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Hent som Excel").click()
    workbook = openpyxl.load_workbook(io.BytesIO(open(download_info.value.path(), "rb").read()))
    rows = [row for sheet in workbook.worksheets[:3] for row in sheet.iter_rows(values_only=True)]
    odense = next(row for row in rows if row and row[0] == "Odense")
    assert odense[6] is not None
