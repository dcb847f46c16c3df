"""The safe reader: what it accepts, and every kind of file it refuses."""

import codecs
import datetime
import io

import pytest
from openpyxl import Workbook

from imports.reading import DEFAULT_LIMITS, Limits, UnreadableFile, read_table

from .files import csv_bytes, members, rewrite_member, xlsx, zip_bytes

EXPECTED = {"kommune", "andel"}


def refused(data, filename="fil.xlsx", limits=DEFAULT_LIMITS):
    with pytest.raises(UnreadableFile) as caught:
        read_table(data, filename, limits=limits, expected_columns=EXPECTED)
    return caught.value


def test_reads_a_workbook_with_a_title_above_the_headers():
    data = xlsx([["MedCom, januar 2014"], [], ["Kommune", "Andel"], ["Odense", 45.5]])
    table = read_table(data, "medcom.xlsx", expected_columns=EXPECTED)
    assert table.header[:2] == ["Kommune", "Andel"]
    assert table.header_row == 3
    assert [(r.number, r.cells[0].value, r.cells[1].value) for r in table.rows] == [
        (4, "Odense", 45.5)
    ]


def test_picks_the_sheet_with_the_expected_headers():
    workbook = Workbook()
    workbook.active.append(["Vejledning"])
    data_sheet = workbook.create_sheet("Data")
    data_sheet.append(["Kommune", "Andel"])
    data_sheet.append(["Aarhus", 10])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), "to-ark.xlsx", expected_columns=EXPECTED)
    assert table.sheet == "Data"
    assert table.rows[0].cells[0].value == "Aarhus"


def test_keeps_the_percentage_format_of_a_cell():
    data = xlsx([["Kommune", "Andel"], ["Odense", 0.455]], number_formats={"B2": "0.0%"})
    table = read_table(data, "a.xlsx", expected_columns=EXPECTED)
    assert table.rows[0].cells[1].number_format == "0.0%"


def test_reads_danish_excel_csv_in_windows_1252_with_semicolons():
    data = csv_bytes([["Kommune", "Andel"], ["Københavns Kommune", "45,3"]], encoding="cp1252")
    table = read_table(data, "medcom.csv", expected_columns=EXPECTED)
    assert table.encoding == "Windows-1252"
    assert table.rows[0].cells[0].value == "Københavns Kommune"
    assert table.rows[0].cells[1].value == "45,3"


def test_reads_utf8_with_bom_and_commas():
    data = csv_bytes([["Kommune", "Andel"], ["Ærø", "80"]], delimiter=",")
    table = read_table(data, "x.csv", expected_columns=EXPECTED)
    assert (table.encoding, table.header[0]) == ("UTF-8", "Kommune")
    assert table.rows[0].cells[0].value == "Ærø"


def test_reads_excel_unicode_text_utf16_with_tabs():
    data = codecs.BOM_UTF16_LE + "Kommune\tAndel\r\nLæsø\t12\r\n".encode("utf-16-le")
    table = read_table(data, "x.csv", expected_columns=EXPECTED)
    assert table.rows[0].cells[0].value == "Læsø"
    assert table.encoding == "UTF-16"


def test_a_comma_in_a_title_line_does_not_decide_the_delimiter():
    data = csv_bytes([["MedCom, januar 2014"], ["Kommune", "Andel", "Note"], ["Ærø", "8,5", ""]])
    table = read_table(data, "x.csv", expected_columns=EXPECTED)
    assert table.rows[0].cells[1].value == "8,5"


@pytest.mark.parametrize(
    ("data", "code", "words"),
    [
        (b"%PDF-1.4\n%...", "not_spreadsheet", "PDF"),
        (b"\x89PNG\r\n\x1a\n....", "not_spreadsheet", "PNG"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "ole", ".xls"),
        (zip_bytes({"notes.txt": "hej"}), "not_workbook", "zip"),
        (b"PK\x03\x04 this is not really a zip", "damaged", "beskadiget"),
        (b"Kommune;Andel\r\nOdense;4\r\n", "wrong_extension", ".csv"),
    ],
    ids=["pdf", "png", "xls", "renamed-zip", "broken-zip", "csv-named-xlsx"],
)
def test_refuses_what_is_not_a_workbook(data, code, words):
    error = refused(data)
    assert error.code == code
    assert words in error.message


def test_refuses_a_binary_file_named_csv():
    error = refused(b"\x00\x01\x02binary\x00", "data.csv")
    assert error.code == "not_spreadsheet"


def test_refuses_other_extensions():
    assert refused(b"Kommune;Andel", "data.txt").code == "extension"


def test_refuses_a_workbook_named_csv():
    assert refused(xlsx([["Kommune"]]), "data.csv").code == "wrong_extension"


def test_refuses_an_empty_file():
    assert refused(b"", "x.csv").code == "empty"


def test_refuses_a_file_over_the_size_limit():
    error = refused(b"x" * 2_000, "x.csv", Limits(max_bytes=1_000))
    assert error.code == "too_large"
    assert "0,0 MB" in error.message


def test_refuses_formulas_with_their_cells():
    data = xlsx([["Kommune", "Andel"], ["Odense", "=10*4"], ["Aarhus", "=SUM(1,2)"]])
    error = refused(data)
    assert error.code == "formulas"
    assert "B2, B3" in error.message
    assert "indsæt dem som værdier" in error.message


def test_refuses_formula_text_in_a_csv():
    error = refused(csv_bytes([["Kommune", "Andel"], ["Odense", "=1+1"]]), "x.csv")
    assert (error.code, "B2" in error.message) == ("formulas", True)


def test_refuses_a_zip_bomb_before_unpacking_it():
    bomb = zip_bytes(
        {
            "[Content_Types].xml": "<Types/>",
            "xl/workbook.xml": "<workbook/>",
            "xl/worksheets/sheet1.xml": b"\0" * 30_000_000,
        }
    )
    assert len(bomb) < 100_000
    error = refused(bomb)
    assert error.code == "zip_bomb"
    assert "zip-bombe" in error.message


def test_refuses_a_workbook_that_unpacks_too_large():
    data = xlsx([["Kommune", "Andel"], ["Odense", 1]])
    error = refused(data, limits=Limits(max_uncompressed_bytes=2_000))
    assert error.code == "zip_bomb"


def test_refuses_a_workbook_with_too_many_parts():
    members = {"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"}
    members.update({f"xl/media/image{i}.png": "x" for i in range(600)})
    assert refused(zip_bytes(members)).code == "zip_bomb"


def test_refuses_xml_entity_declarations():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>'
    )
    data = rewrite_member(
        xlsx([["Kommune", "Andel"], ["Odense", 1]]),
        "xl/workbook.xml",
        lambda content: laughs + content,
    )
    assert refused(data).code == "xml_entities"


def test_refuses_macros():
    data = zip_bytes({"xl/vbaProject.bin": b"macro", **members(xlsx([["Kommune"]]))})
    assert refused(data).code == "macros"


def test_refuses_too_many_rows():
    rows = [["Kommune", "Andel"]] + [["Odense", i] for i in range(30)]
    assert refused(xlsx(rows), limits=Limits(max_rows=20)).code == "too_many_rows"
    assert refused(csv_bytes(rows), "x.csv", Limits(max_rows=20)).code == "too_many_rows"


def test_refuses_too_many_columns():
    rows = [["Kommune", "Andel"], ["Odense", 1] + [None] * 60 + ["langt ude"]]
    error = refused(xlsx(rows))
    assert error.code == "too_many_columns"
    assert "BK" in error.message


def test_dates_come_back_as_dates():
    data = xlsx([["Kommune", "Andel", "Dato"], ["Odense", 1, datetime.date(2014, 1, 15)]])
    table = read_table(data, "x.xlsx", expected_columns=EXPECTED)
    assert table.rows[0].cells[2].value == datetime.datetime(2014, 1, 15)


@pytest.mark.parametrize(
    "text", ["+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3", "\x02=1+1", "\x01\x0b+x", "\t=1"]
)
def test_refuses_every_formula_starter_in_a_csv(text):
    error = refused(csv_bytes([["Kommune", "Andel"], ["Odense", text]]), "x.csv")
    assert (error.code, "B2" in error.message) == ("formulas", True)


@pytest.mark.parametrize("text", ["-5", "+45,3 %", "-", "Odense-Ærø", "45"])
def test_signed_numbers_and_lone_dashes_are_not_formulas(text):
    table = read_table(csv_bytes([["Kommune", "Andel"], ["Odense", text]]), "x.csv")
    assert table.rows[0].cells[1].value == text


def test_control_characters_are_dropped_from_csv_text():
    data = csv_bytes([["Kommune", "Leverandør"], ["Odense", "Sys\x01tematic"]])
    table = read_table(data, "x.csv")
    assert table.rows[0].cells[1].value == "Systematic"


@pytest.mark.parametrize("text", ["+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3"])
def test_refuses_formula_text_in_a_workbook(text):
    error = refused(xlsx([["Kommune", "Leverandør"], ["Odense", text]]))
    assert error.code == "formula_text"
    assert "B2" in error.message


def test_refuses_formula_text_behind_spaces_in_a_workbook():
    error = refused(xlsx([["Kommune", "Leverandør"], ["Odense", "  =1+1"]]))
    assert (error.code, "B2" in error.message) == ("formula_text", True)
