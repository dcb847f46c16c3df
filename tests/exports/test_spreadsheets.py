"""The shared renderer and formula guard (fmkrollout.spreadsheets)."""

import datetime
import io
import zoneinfo

import pytest
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from fmkrollout.spreadsheets import (
    PERCENT_1,
    Column,
    Properties,
    Sheet,
    cell_value,
    neutralise,
    sheet_title,
    write_workbook,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+45", "'+45"),
        ("-45", "'-45"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("Læsø Kommune", "Læsø Kommune"),
        ("a=b", "a=b"),
        ("", ""),
        ("\x01=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("\x00\x02+cmd", "'+cmd"),
        ("\x7f\x9f@SUM(A1)", "'@SUM(A1)"),
        ("\x0b\t=1", "'\t=1"),
    ],
)
def test_neutralise_makes_formula_text_plain(text, expected):
    assert neutralise(text) == expected


def test_neutralise_leaves_numbers_dates_and_none_alone():
    day = datetime.date(2014, 4, 1)
    assert [neutralise(v) for v in (-5, 0.5, day, None, True)] == [-5, 0.5, day, None, True]


def test_lazy_text_and_control_characters_are_made_safe():
    assert neutralise(gettext_lazy("Wave")) in ("Bølge", "Wave")
    assert neutralise("a\x00b\x07c\nd") == "ab" + "c\nd"


def test_aware_datetimes_become_local_wall_clock_time():
    utc = datetime.datetime(2014, 1, 20, 9, 0, tzinfo=zoneinfo.ZoneInfo("UTC"))
    assert cell_value(utc) == datetime.datetime(2014, 1, 20, 10, 0)


def test_sheet_titles_are_valid_and_unique():
    assert sheet_title("Bølge 1 (28)") == "Bølge 1 (28)"
    assert sheet_title("a/b:c*d?[e]") == "a-b-c-d--e-"
    assert len(sheet_title("x" * 40)) == 31
    assert sheet_title("Oversigt", taken=["oversigt"]) == "Oversigt (2)"


def test_a_generator_of_rows_is_written_with_formats():
    buffer = io.BytesIO()
    rows = ([i, f"=navn {i}", i / 100] for i in range(1, 1001))
    write_workbook(
        buffer,
        [
            Sheet(
                "Data",
                [Column("Nr."), Column("Navn", 30), Column("Andel", 10, PERCENT_1)],
                rows,
                facts=[("Titel", "Eksempel")],
            )
        ],
        properties=Properties(title="Prøve", creator="test"),
    )
    workbook = load_workbook(io.BytesIO(buffer.getvalue()))
    sheet = workbook["Data"]
    assert sheet["A1"].value == "Titel" and sheet["A1"].font.bold
    assert [c.value for c in sheet[3]] == ["Nr.", "Navn", "Andel"]
    assert sheet["B4"].value == "'=navn 1"
    assert (sheet["C4"].value, sheet["C4"].number_format) == (0.01, "0.0%")
    assert sheet.max_row == 1003
    assert sheet.auto_filter.ref == "A3:C1003"
    assert sheet.freeze_panes == "A4"
    assert workbook.properties.title == "Prøve"


def test_control_characters_never_reach_the_workbook_properties():
    buffer = io.BytesIO()
    write_workbook(
        buffer,
        [Sheet("Data", [Column("A")], [["x"]])],
        properties=Properties(title="Plan\x01", creator="Ka\x02ren\x1b", subject="\x0b"),
    )
    workbook = load_workbook(io.BytesIO(buffer.getvalue()))
    assert workbook.properties.creator == "Karen"
    assert workbook.properties.lastModifiedBy == "Karen"
    assert workbook.properties.title == "Plan"
