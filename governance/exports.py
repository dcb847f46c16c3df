"""The wish list as an Excel workbook: rows first, then one renderer."""

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

# A cell starting with one of these is read as a formula (or as DDE) by a
# spreadsheet: text from users is prefixed with an apostrophe instead.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def wish_rows(wishes):
    """A header and one row per wish, for `write_xlsx`."""
    header = [
        _("No."),
        _("Title"),
        _("Description"),
        _("Raised in"),
        _("Raised on"),
        _("Technical change"),
        _("Status"),
        _("Roadmap"),
        _("Priority"),
    ]
    rows = (
        [
            wish.reference,
            wish.title,
            wish.description,
            wish.origin_forum.short_name,
            wish.raised_on,
            _("yes") if wish.is_technical else _("no"),
            wish.get_status_display(),
            str(wish.roadmap_label),
            wish.priority,
        ]
        for wish in wishes
    )
    return header, rows


def write_xlsx(title, header, rows):
    """Bytes of a one-sheet workbook; every text cell neutralised."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    bold = []
    for value in header:
        cell = WriteOnlyCell(sheet, value=str(value))
        cell.font = Font(bold=True)
        bold.append(cell)
    sheet.append(bold)
    for row in rows:
        sheet.append([neutralise(value) for value in row])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_filename(stem):
    return f"{stem}-{timezone.localdate():%Y-%m-%d}.xlsx"
