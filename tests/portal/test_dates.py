"""One date style per language, on every page and in every export.

Danish: "1. april 2014" in text, "1.4.2014" in tables and spreadsheets;
English: "1 April 2014" and "1 Apr 2014". The styles live in the format
files (fmkrollout/formats); templates name them, never spell them out.
"""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format
from openpyxl import load_workbook
from pytest_django.asserts import assertContains, assertNotContains

from fmkrollout.spreadsheets import DATE, DATETIME, excel_number_format
from waves import exports
from waves.models import WavePlan

BASE_DIR = Path(__file__).resolve().parents[2]
APRIL_FIRST = datetime.date(2014, 4, 1)


@pytest.mark.parametrize(
    ("language", "long", "short"),
    [("da", "1. april 2014", "1.4.2014"), ("en", "1 April 2014", "1 Apr 2014")],
)
def test_each_language_has_one_date_style(language, long, short):
    with translation.override(language):
        assert date_format(APRIL_FIRST) == long
        assert date_format(APRIL_FIRST, "SHORT_DATE_FORMAT") == short


@pytest.mark.parametrize(
    ("language", "date_code", "datetime_code"),
    [("da", "d.m.yyyy", "d.m.yyyy hh:mm"), ("en", "d mmm yyyy", "d mmm yyyy, hh:mm")],
)
def test_spreadsheet_dates_follow_the_same_style(language, date_code, datetime_code):
    with translation.override(language):
        assert excel_number_format(DATE) == date_code
        assert excel_number_format(DATETIME) == datetime_code
    assert excel_number_format("0.0%") == "0.0%"


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "code"), [("da", "d.m.yyyy"), ("en", "d mmm yyyy")])
def test_wave_plan_workbook_writes_dates_in_the_readers_style(language, code):
    buffer = io.BytesIO()
    with translation.override(language):
        exports.write_plan(WavePlan.objects.historical().get(), buffer)
    buffer.seek(0)
    overview = load_workbook(buffer).worksheets[0]
    # openpyxl reads a date cell back as a datetime at midnight.
    midnight = datetime.datetime.combine(APRIL_FIRST, datetime.time())
    starts = [cell for row in overview.iter_rows() for cell in row if cell.value == midnight]
    assert starts and all(cell.number_format == code for cell in starts)


@pytest.mark.django_db
def test_danish_pages_write_the_month_in_danish(viewer_client):
    plan = WavePlan.objects.historical().get()
    assertContains(viewer_client.get("/"), "frist 29. november 2013")
    assertContains(viewer_client.get(plan.get_absolute_url()), "1. april 2014 – 30. juni 2014")


@pytest.mark.django_db
def test_english_pages_use_the_british_style(viewer_client):
    viewer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    plan = WavePlan.objects.historical().get()
    assertContains(viewer_client.get("/"), "deadline 29 November 2013")
    response = viewer_client.get(plan.get_absolute_url())
    assertContains(response, "1 April 2014 – 30 June 2014")
    assertNotContains(response, "1. April")


def test_templates_name_date_formats_instead_of_spelling_them_out():
    # `|date:"j. F Y"` would fix one language's style on every language.
    literal = re.compile(r'\|date:"(?![A-Z_]+")[^"]*"')
    offenders = [
        f"{path.relative_to(BASE_DIR)}: {match.group()}"
        for path in BASE_DIR.glob("**/templates/**/*.*")
        if ".venv" not in path.parts and "node_modules" not in path.parts
        for match in literal.finditer(path.read_text())
    ]
    assert not offenders, offenders
