"""A coordinator imports MedCom's GP figures, then takes the plan to Excel."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from imports import example_files
from imports.importers import IMPORTERS
from municipalities.roles import Role
from tests.conftest import make_user
from waves.models import GPAdoption, WavePlan
from waves.reference import DRAFT_2013_NAME

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def coordinator(reference_data):
    return make_user("koordinator", Role.COORDINATOR, first_name="Kim", last_name="Koordinator")


def test_upload_the_example_see_the_preview_and_confirm(
    page, live_server, login, assert_accessible, coordinator
):
    login("koordinator")
    page.goto(f"{live_server.url}/admin/imports/importupload/")
    page.get_by_role("link", name="Indlæs: Lægers ibrugtagning pr. kommune (MedCom)").click()
    main = page.locator("#content")
    expect(main).to_contain_text("Kommunekode")
    assert page.get_by_role("link", name="laegers-ibrugtagning-eksempel.xlsx").is_visible()
    assert_accessible()

    example = example_files.path(IMPORTERS["gp"], "xlsx")
    page.get_by_label("Regneark").set_input_files(str(example))
    page.get_by_label("Definition").fill("Andel af praksis, der har brugt FMK i januar")
    page.get_by_label("Opgjort den").fill("15-01-2014")
    page.get_by_role("button", name="Læs filen, og vis gennemsynet").click()

    page.wait_for_url("**/gennemse/**")
    expect(page.locator("#content")).to_contain_text("Rækker, der skrives")
    preview = page.locator("#content").inner_text()
    assert "Rækker, der skrives: 7 nye, 0 ændrede, 0 uændrede" in preview
    assert "København" in preview and "62,5 %" in preview
    assert not GPAdoption.objects.exists()
    assert_accessible()

    page.get_by_role("button", name="Indlæs disse rækker").click()
    expect(page.locator("#content")).to_contain_text("7 rækker skrevet")
    assert GPAdoption.objects.count() == 7
    assert GPAdoption.objects.get(municipality_id=461).measured_on.isoformat() == "2014-01-15"


def test_a_refused_file_says_why_on_the_upload_page(
    page, live_server, login, assert_accessible, coordinator, tmp_path
):
    fake = tmp_path / "medcom.xlsx"
    fake.write_bytes(b"%PDF-1.7 not a spreadsheet")
    login("koordinator")
    page.goto(f"{live_server.url}/admin/imports/importupload/ny/gp/")
    page.get_by_label("Regneark").set_input_files(str(fake))
    page.get_by_label("Definition").fill("Andel")
    page.get_by_role("button", name="Læs filen, og vis gennemsynet").click()
    expect(page.locator("#content")).to_contain_text("Det er en PDF-fil, ikke et regneark.")
    assert_accessible()


def test_the_plan_page_downloads_the_workbook(
    page, live_server, login, assert_accessible, coordinator
):
    plan = WavePlan.objects.get(name=DRAFT_2013_NAME)
    login("koordinator")
    page.goto(f"{live_server.url}/boelger/planer/{plan.pk}/")
    assert_accessible()
    with page.expect_download() as info:
        page.get_by_role("link", name="Hent som Excel").click()
    download = info.value
    assert download.suggested_filename.startswith(f"boelgeplan-{plan.pk}-historisk-")
    workbook = load_workbook(io.BytesIO(open(download.path(), "rb").read()))
    assert workbook.sheetnames[1:4] == ["Bølge 1 (28)", "Bølge 2 (35)", "Bølge 3 (35)"]
