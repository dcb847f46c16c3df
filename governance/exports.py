"""The wish list as an Excel workbook: rows first, then one renderer."""

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _

# The portal's one renderer and formula guard, shared by every export.
from fmkrollout.spreadsheets import Column, Properties, Sheet, write_workbook


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
    columns = [
        Column(str(value), 40 if index in (1, 2) else 14) for index, value in enumerate(header)
    ]
    buffer = BytesIO()
    write_workbook(
        buffer, [Sheet(str(title), columns, rows)], properties=Properties(title=str(title))
    )
    return buffer.getvalue()


def export_filename(stem):
    return f"{stem}-{timezone.localdate():%Y-%m-%d}.xlsx"
