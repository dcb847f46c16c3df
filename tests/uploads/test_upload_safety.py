"""The one upload-safety module, through both of its users: spreadsheet
imports and meeting attachments. Every broken or hostile file is refused
with a message, never an exception the user would see as a 500."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from governance.attachments import validate_attachment
from imports.reading import UnreadableFile, read_table
from tests.imports.files import members, xlsx

from .files import open_action, patch_headers, pdf, pdf_with_object_stream


def workbook():
    return xlsx([["Kommune", "Andel"], ["Odense", 45]])


def with_part(data, name, content, *, method=zipfile.ZIP_DEFLATED):
    parts = members(data)
    parts[name] = content
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for part, body in parts.items():
            archive.writestr(part, body)
    return buffer.getvalue()


def damaged_deflate(data):
    """The sheet's deflate stream overwritten in the middle."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    middle = start + info.compress_size // 2
    out = bytearray(data)
    out[middle : middle + 8] = b"\xff" * 8
    return bytes(out)


def wrong_crc(data):
    """A stored (uncompressed) sheet with one byte changed: only the CRC
    says so."""
    stored = with_part(
        data,
        "xl/worksheets/sheet1.xml",
        members(data)["xl/worksheets/sheet1.xml"],
        method=zipfile.ZIP_STORED,
    )
    index = stored.find(b"Odense")
    return stored[:index] + b"Oxense" + stored[index + 6 :]


UTF16_DOCTYPE = (
    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE w [<!ENTITY a "aaaa">]><worksheet/>'
).encode("utf-16")

MACRO_CONTENT_TYPES = (
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/kode.dat" ContentType="application/vnd.ms-office.vbaProject"/>'
    b"</Types>"
)

MACRO_RELATIONSHIP = (
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId9" Type="http://schemas.microsoft.com/office/2006/relationships/'
    b'vbaProject" Target="kode.dat"/></Relationships>'
)


def typed_sheet_error():
    """Well-formed XML that openpyxl cannot read: a number cell holding text."""
    data = workbook()
    sheet = members(data)["xl/worksheets/sheet1.xml"]
    sheet = sheet.replace(b'<c r="B2" t="n"><v>45</v></c>', b'<c r="B2" t="n"><v>mange</v></c>')
    assert b"mange" in sheet
    return with_part(data, "xl/worksheets/sheet1.xml", sheet)


PACKAGE_CASES = {
    "damaged deflate data": (damaged_deflate(workbook()), "damaged"),
    "compression method 99": (patch_headers(workbook(), method=99), "compression"),
    "encrypted member": (patch_headers(workbook(), flags=0x1), "encrypted"),
    "wrong CRC": (wrong_crc(workbook()), "damaged"),
    "malformed sheet": (
        with_part(workbook(), "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row>"),
        "damaged",
    ),
    "malformed content types": (
        with_part(workbook(), "[Content_Types].xml", b"<Types><Default"),
        "damaged",
    ),
    "UTF-16 sheet with entities": (
        with_part(workbook(), "xl/worksheets/sheet1.xml", UTF16_DOCTYPE),
        "xml_entities",
    ),
    "macro part by content type": (
        with_part(
            with_part(workbook(), "xl/kode.dat", b"\x00macro"),
            "[Content_Types].xml",
            MACRO_CONTENT_TYPES,
        ),
        "macros",
    ),
    "macro part by relationship": (
        with_part(
            with_part(workbook(), "xl/kode.dat", b"\x00macro"),
            "xl/_rels/workbook.xml.rels",
            MACRO_RELATIONSHIP,
        ),
        "macros",
    ),
}


@pytest.mark.parametrize(("data", "code"), PACKAGE_CASES.values(), ids=PACKAGE_CASES.keys())
def test_the_import_refuses_broken_and_hostile_workbooks(data, code):
    with pytest.raises(UnreadableFile) as caught:
        read_table(data, "tal.xlsx")
    assert caught.value.code == code
    assert caught.value.message


@pytest.mark.parametrize(("data", "code"), PACKAGE_CASES.values(), ids=PACKAGE_CASES.keys())
def test_attachments_refuse_broken_and_hostile_packages(data, code, db):
    with pytest.raises(ValidationError) as caught:
        validate_attachment(SimpleUploadedFile("bilag.xlsx", data))
    assert caught.value.error_list[0].code == code


def test_a_sheet_openpyxl_cannot_read_is_refused_as_damaged():
    with pytest.raises(UnreadableFile) as caught:
        read_table(typed_sheet_error(), "tal.xlsx")
    assert caught.value.code == "damaged"


def test_the_messages_are_danish():
    with pytest.raises(UnreadableFile) as caught:
        read_table(patch_headers(workbook(), flags=0x1), "tal.xlsx")
    assert "adgangskode" in caught.value.message


def test_an_honest_workbook_still_reads():
    table = read_table(workbook(), "tal.xlsx")
    assert table.rows[0].cells[1].value == 45


PDF_CASES = {
    "name with #-escape": (
        pdf().replace(b"/Type /Catalog", b"/Type /Catalog /Names << /J#61vaScript 3 0 R >>"),
        "pdf_active",
    ),
    "JavaScript in an object stream": (
        pdf_with_object_stream(b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>"),
        "pdf_active",
    ),
    "URI action on opening": (
        pdf(open_action("/URI", **{"/URI": "http://x.invalid"})),
        "pdf_active",
    ),
    "JavaScript action on opening": (
        pdf(open_action("/JavaScript", **{"/JS": "x"})),
        "pdf_active",
    ),
    "embedded file": (pdf(lambda w: w.add_attachment("x.exe", b"MZ")), "pdf_active"),
    "additional actions": (
        pdf().replace(b"/Type /Page\n", b"/Type /Page\n/AA << /O << /S /GoTo /D [] >> >>\n"),
        "pdf_active",
    ),
    "HTML behind a PDF header": (b"%PDF-1.7\n<html><script>alert(1)</script></html>", "damaged"),
}


@pytest.mark.parametrize(("data", "code"), PDF_CASES.values(), ids=PDF_CASES.keys())
def test_attachments_refuse_active_and_fake_pdfs(data, code, db):
    with pytest.raises(ValidationError) as caught:
        validate_attachment(SimpleUploadedFile("referat.pdf", data))
    assert caught.value.error_list[0].code == code


def test_a_pdf_that_opens_on_its_first_page_is_accepted(db):
    def go_to_first_page(writer):
        from pypdf.generic import ArrayObject, NameObject

        first = writer.pages[0].indirect_reference
        writer._root_object[NameObject("/OpenAction")] = ArrayObject([first, NameObject("/Fit")])

    validate_attachment(SimpleUploadedFile("referat.pdf", pdf(go_to_first_page)))
    compressed = pdf_with_object_stream(b"<< /S /GoTo /D [3 0 R /Fit] >>")
    validate_attachment(SimpleUploadedFile("tom.pdf", compressed))
