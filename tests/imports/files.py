"""Spreadsheets for the tests, good and hostile, built in memory."""

import io
import zipfile

from openpyxl import Workbook


def xlsx(rows, *, number_formats=None, title="Ark1"):
    """An .xlsx file's bytes with `rows`; number_formats maps "B2" -> "0%"."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for coordinate, number_format in (number_formats or {}).items():
        sheet[coordinate].number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(lines, *, encoding="utf-8-sig", delimiter=";"):
    text = "\r\n".join(delimiter.join(str(v) for v in line) for line in lines) + "\r\n"
    return text.encode(encoding)


def zip_bytes(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def members(data):
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {info.filename: archive.read(info) for info in archive.infolist()}


def rewrite_member(data, name, transform):
    """An xlsx with one of its parts changed (for hostile XML)."""
    parts = members(data)
    parts[name] = transform(parts[name])
    return zip_bytes(parts)
