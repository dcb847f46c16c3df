"""Writing Excel workbooks: one renderer and one formula guard for every export.

Exports build their rows first (plain values: text, numbers, dates) and
describe each sheet with `Sheet` and `Column`; `write_workbook` then renders
them with openpyxl in write-only mode, so memory stays flat however many
rows there are (as pretix's `ListExporter`). Every text cell passes through
`neutralise`, so no text that users typed can run as a formula in Excel or
LibreOffice.

Imports nothing from the portal's apps: every app may use it.
"""

import datetime
import decimal
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.formats import get_format
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A cell starting with one of these is read as a formula (or as DDE) by a
# spreadsheet. Text is prefixed with an apostrophe instead: the cell then
# shows the text as typed, with the apostrophe visible as a sign of why.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# Excel's own limits: longer text is cut off (or refused) when opened.
MAX_CELL_TEXT = 32_767
MAX_SHEET_TITLE = 31
# Characters Excel does not allow in sheet names.
SHEET_TITLE_FORBIDDEN = str.maketrans({c: "-" for c in "[]:*?/\\"})

# Number formats, as Excel names them.
INTEGER = "0"
DECIMAL_1 = "0.0"
PERCENT_1 = "0.0%"
# Dates follow the reader's language, as on the pages: these name the
# format files' formats and become Excel codes when the sheet is written.
DATE = "SHORT_DATE_FORMAT"
DATETIME = "SHORT_DATETIME_FORMAT"
# Django's format characters -> Excel's (the ones the format files use).
EXCEL_DATE_CODES = {
    "j": "d",
    "d": "dd",
    "n": "m",
    "m": "mm",
    "M": "mmm",
    "F": "mmmm",
    "Y": "yyyy",
    "y": "yy",
    "H": "hh",
    "G": "h",
    "i": "mm",
}

BOLD = Font(bold=True)
WRAP_TOP = Alignment(vertical="top", wrap_text=True)


def neutralise(value):
    """Make text that a spreadsheet would read as a formula plain text.

    Numbers, dates and booleans pass unchanged; so does text that starts
    with anything else. Lazy translations become text first. Control
    characters go before the first character is looked at: a cell's
    "\x01=HYPERLINK(...)" is written as "=HYPERLINK(...)", which is a live
    formula unless it is caught after the stripping.
    """
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        value = strip_control_characters(value)
        if starts_like_formula(value):
            value = "'" + value
        return value[:MAX_CELL_TEXT]
    return value


def starts_like_formula(text):
    """Whether a spreadsheet would run `text` (control characters already
    stripped) as a formula or DDE: OWASP's CSV-injection starters."""
    return text.startswith(FORMULA_TRIGGERS)


# XML 1.0 cannot hold most control characters; openpyxl refuses a cell
# with one (IllegalCharacterError). Tabs and line breaks are kept. DEL and
# the C1 controls are legal XML but invisible, and no one types them.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def strip_control_characters(text):
    return CONTROL_CHARACTERS.sub("", text)


def plain_text(value):
    """Text for a workbook's properties (title, author): no control
    characters, which would make docProps/core.xml invalid XML and the
    whole workbook unreadable."""
    return strip_control_characters(str(value))[:MAX_CELL_TEXT]


def cell_value(value):
    """A value as a workbook cell holds it: numbers stay numbers, aware
    datetimes become local wall-clock time (Excel has no time zones), text
    is neutralised, anything else becomes its text."""
    if value is None or isinstance(value, bool | int | float | decimal.Decimal):
        return value
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            from django.utils import timezone

            value = timezone.localtime(value).replace(tzinfo=None)
        return value
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str):
        value = str(value)
    return neutralise(value)


@dataclass
class Column:
    header: str
    width: float = 14
    number_format: str | None = None
    wrap: bool = False


@dataclass
class Sheet:
    """One worksheet: an optional block of labelled facts, then a table.

    `facts` are (label, value) pairs written above the table (the overview
    of a plan, say); the table's header row is bold, frozen and filtered.
    """

    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence]
    facts: Sequence[tuple[str, object]] = field(default_factory=list)
    facts_number_formats: dict = field(default_factory=dict)


@dataclass
class Properties:
    title: str
    subject: str = ""
    creator: str = ""
    description: str = ""
    keywords: str = ""


def sheet_title(text, taken=()):
    """A valid, unique sheet title: Excel allows 31 characters and no []:*?/\\."""
    base = str(text).translate(SHEET_TITLE_FORBIDDEN).strip("'")[:MAX_SHEET_TITLE] or "Ark"
    title, number = base, 2
    lowered = {t.lower() for t in taken}
    while title.lower() in lowered:
        suffix = f" ({number})"
        title = base[: MAX_SHEET_TITLE - len(suffix)] + suffix
        number += 1
    return title


def write_workbook(stream, sheets, *, properties):
    """Render `sheets` into `stream` (a path or a binary file) as xlsx.

    Rows are consumed one at a time and written straight out: a generator
    of a million rows costs no more memory than one of ten.
    """
    workbook = Workbook(write_only=True)
    _set_properties(workbook, properties)
    taken = []
    for spec in sheets:
        title = sheet_title(spec.title, taken)
        taken.append(title)
        _write_sheet(workbook.create_sheet(title=title), spec)
    workbook.save(stream)


def _set_properties(workbook, properties):
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None, microsecond=0)
    workbook.properties.title = plain_text(properties.title)
    workbook.properties.subject = plain_text(properties.subject)
    workbook.properties.creator = plain_text(properties.creator)
    workbook.properties.lastModifiedBy = plain_text(properties.creator)
    workbook.properties.description = plain_text(properties.description)
    workbook.properties.keywords = plain_text(properties.keywords)
    workbook.properties.created = now
    workbook.properties.modified = now
    workbook.properties.language = "da-DK"


def _write_sheet(sheet, spec):
    columns = list(spec.columns)
    # Column widths must be set before the first row in write-only mode.
    label_width = max((len(str(label)) for label, _value in spec.facts), default=0)
    for index, column in enumerate(columns, start=1):
        width = column.width
        if index == 1 and spec.facts:
            width = max(width, min(label_width + 2, 40))
        sheet.column_dimensions[get_column_letter(index)].width = width
    if not columns and spec.facts:
        sheet.column_dimensions["A"].width = min(label_width + 2, 40)
        sheet.column_dimensions["B"].width = 40

    # Like the widths, the frozen panes go out before the first row.
    header_row = len(spec.facts) + (1 if spec.facts else 0) + 1
    if columns:
        sheet.freeze_panes = f"A{header_row + 1}"

    row_number = 0
    for label, value in spec.facts:
        label_cell = WriteOnlyCell(sheet, value=neutralise(str(label)))
        label_cell.font = BOLD
        value_cell = WriteOnlyCell(sheet, value=cell_value(value))
        number_format = spec.facts_number_formats.get(label) or _default_format(value)
        if number_format:
            value_cell.number_format = excel_number_format(number_format)
        sheet.append([label_cell, value_cell])
        row_number += 1
    if spec.facts:
        sheet.append([])
        row_number += 1

    if not columns:
        return
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=neutralise(str(column.header)))
        cell.font = BOLD
        header.append(cell)
    sheet.append(header)

    # Excel's format codes are worked out once per sheet, and each styled
    # column has one template cell whose value is set row by row: the
    # write-only sheet writes a row out as it is appended, so the template
    # is free again for the next, and no cell is styled twice.
    column_formats = [excel_number_format(column.number_format) for column in columns]
    date_formats = {kind: excel_number_format(kind) for kind in (DATE, DATETIME)}
    templates = {}

    def styled(index, number_format, value):
        template = templates.get((index, number_format))
        if template is None:
            template = WriteOnlyCell(sheet)
            if number_format:
                template.number_format = number_format
            if columns[index].wrap:
                template.alignment = WRAP_TOP
            templates[index, number_format] = template
        template.value = value
        return template

    last_row = header_row
    for row in spec.rows:
        cells = []
        for index, (column, value) in enumerate(zip(columns, row, strict=False)):
            value = cell_value(value)
            if value is None:
                cells.append(None)
                continue
            number_format = column_formats[index] or date_formats.get(_default_format(value))
            if number_format or column.wrap:
                cells.append(styled(index, number_format, value))
            else:
                cells.append(value)
        sheet.append(cells)
        last_row += 1
    last_column = get_column_letter(len(columns))
    sheet.auto_filter = AutoFilter(ref=f"A{header_row}:{last_column}{last_row}")


def excel_number_format(number_format):
    """Excel's code for a number format; DATE and DATETIME in the reader's style.

    "SHORT_DATE_FORMAT" is "j.n.Y" in Danish (fmkrollout/formats), so a
    Danish workbook shows 1.4.2014 and an English one 1 Apr 2014, as the
    pages do. Other formats ("0.0") are Excel codes already.
    """
    if number_format not in (DATE, DATETIME):
        return number_format
    django_format = get_format(number_format)
    code = []
    for character in django_format:
        if character in EXCEL_DATE_CODES:
            code.append(EXCEL_DATE_CODES[character])
        elif character.isalpha() or character == "\\":
            # A letter Excel would read as a code: quote it.
            code.append(f'"{character}"')
        else:
            code.append(character)
    return "".join(code)


def _default_format(value):
    if isinstance(value, datetime.datetime):
        return DATETIME
    if isinstance(value, datetime.date):
        return DATE
    return None


def table_sheet(table, title, *, widths=None):
    """A django-tables2 table (all its rows, as filtered and sorted) as a
    `Sheet`: the columns that are not excluded from exports, their export
    values (`value_<column>`), numbers and dates kept as such."""
    columns = [
        column for column in table.columns.iterall() if not column.column.exclude_from_export
    ]
    widths = widths or {}
    sheet_columns = [
        Column(str(column.header), widths.get(column.name, _width(column))) for column in columns
    ]
    rows = table.as_values()
    next(rows)  # the header, already in the columns
    return Sheet(title, sheet_columns, rows)


def _width(column):
    return max(10, min(40, len(str(column.header)) + 4))


def workbook_response(filename, sheets, *, properties):
    """A streamed download of the workbook: written to a temporary file
    (the write-only renderer needs a seekable target for the zip), then
    sent in chunks by FileResponse, which closes and so deletes it."""
    import tempfile

    from django.http import FileResponse

    handle = tempfile.TemporaryFile()
    write_workbook(handle, sheets, properties=properties)
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )
