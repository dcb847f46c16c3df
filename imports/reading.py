"""Reading an uploaded spreadsheet safely: what the file is, then its table.

`read_table(data, filename, limits=...)` returns the header and rows of the
first sheet that looks like the expected table, or raises `UnreadableFile`
with a message a coordinator can act on. The file is judged by its content,
not its name: an `.xlsx` must be a real Office Open XML workbook, checked
as a zip *before* openpyxl opens it (member count, uncompressed size,
compression ratio, no DTDs, no macros), then read in read-only mode with
row and column limits. Formulas are refused, not evaluated or read from
their cached values: a figure in a source file must be a value someone
reported, and a cached result is missing in files written by programs and
may be stale in others. CSV is decoded as UTF-8 (with or without BOM),
UTF-16 (Excel's "Unicode text"), or else Windows-1252 as Danish Excel
writes it, with the delimiter (semicolon, comma or tab) taken from the
header line.

No HTTP and no database: plain bytes in, plain values out.
"""

import codecs
import csv
import io
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fmkrollout import uploads
from fmkrollout.spreadsheets import starts_like_formula, strip_control_characters

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Content that is clearly something else, named so the message can say so.
OTHER_FORMATS = [
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"\x1f\x8b", "gzip"),
    (b"7z\xbc\xaf", "7-Zip"),
    (b"Rar!", "RAR"),
    (b"{\\rtf", "RTF"),
    (b"MZ", "Windows program"),
    (b"\x7fELF", "program"),
]
DELIMITERS = (";", ",", "\t")
# A plain number with a sign ("-5", "+45,3 %") is a number to every
# spreadsheet, not a formula: the value parsers judge it.
PLAIN_NUMBER = re.compile(r"^[+-]\s*\d+(?:[.,]\d+)*\s*%?$")


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 5_242_880
    max_rows: int = 5_000
    max_columns: int = 50
    # The workbook as a zip: how much it may unpack to, how many parts it
    # may have, and how well one part may compress (a zip bomb compresses
    # by a factor of thousands; real sheets by 5 to 50).
    max_uncompressed_bytes: int = 50_000_000
    max_zip_members: int = 500
    max_compression_ratio: int = 200


class UnreadableFile(Exception):
    """The file is refused as a whole; `message` says why, for the user."""

    def __init__(self, message, code):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class Cell:
    value: object
    # Excel number format of the cell ("0%", "0.0", ...); "" for CSV.
    number_format: str = ""


@dataclass
class Row:
    number: int
    cells: list


@dataclass
class Table:
    header: list[str]
    rows: list[Row]
    # How the file was read, for the preview ("CSV, Windows-1252, ';'").
    format: str
    sheet: str = ""
    encoding: str = ""
    delimiter: str = ""
    header_row: int = 1
    # Column letters (A, B, ...) or numbers, as the user sees them.
    column_names: list[str] = field(default_factory=list)


def column_letter(index):
    """1 -> A, 27 -> AA."""
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


DEFAULT_LIMITS = Limits()


def read_table(data, filename, *, limits=DEFAULT_LIMITS, expected_columns=()):
    """The table in an uploaded file, or `UnreadableFile`.

    `expected_columns` are normalised header names (see `normalise_header`)
    that pick the sheet and the header row: the first row, within the first
    ten of a sheet, that names any of them. Without a match, the first
    non-empty row of the first sheet is the header.
    """
    if not data:
        raise UnreadableFile(_("The file is empty."), "empty")
    if len(data) > limits.max_bytes:
        raise UnreadableFile(too_large_message(len(data), limits.max_bytes), "too_large")
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in ("xlsx", "csv"):
        raise UnreadableFile(
            _("Only Excel workbooks (.xlsx) and CSV files (.csv) can be imported, not “%(name)s”.")
            % {"name": filename},
            "extension",
        )
    kind = sniff(data)
    if kind == "zip":
        if extension != "xlsx":
            raise UnreadableFile(
                _(
                    "The file is named .csv but is a zip archive or an Excel workbook. "
                    "Save it as .xlsx, or as CSV from Excel."
                ),
                "wrong_extension",
            )
        return _read_xlsx(data, limits, expected_columns)
    if kind == "ole":
        raise UnreadableFile(
            _(
                "This is an old Excel file (.xls) or a password-protected workbook. "
                "Open it in Excel and save it as an Excel workbook (.xlsx) without a password."
            ),
            "ole",
        )
    if kind != "text":
        raise UnreadableFile(
            _("This is a %(format)s file, not a spreadsheet.") % {"format": kind},
            "not_spreadsheet",
        )
    if extension == "xlsx":
        raise UnreadableFile(
            _(
                "The file is named .xlsx but is not an Excel workbook (it looks like text). "
                "If it is a CSV file, name it .csv."
            ),
            "wrong_extension",
        )
    return _read_csv(data, limits, expected_columns)


def too_large_message(size, limit):
    return _("The file is %(size)s; the largest file accepted is %(limit)s.") % {
        "size": _megabytes(size),
        "limit": _megabytes(limit),
    }


def _megabytes(size):
    return f"{size / 1_048_576:.1f} MB".replace(".", ",")


def sniff(data):
    """ "zip", "ole", "text", or the name of another format."""
    if data.startswith((ZIP_MAGIC, EMPTY_ZIP_MAGIC)):
        return "zip"
    if data.startswith(OLE_MAGIC):
        return "ole"
    for magic, name in OTHER_FORMATS:
        if data.startswith(magic):
            return name
    head = data[:8192]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "text"
    if b"\x00" in head:
        return _("binary")
    return "text"


def normalise_header(text):
    """A header as compared: lower case, single spaces, no trailing colon,
    no unit in brackets ("Andel (%)" and "andel" are the same column)."""
    text = re.sub(r"\s+", " ", str(text or "")).strip().casefold()
    text = re.sub(r"\s*\([^)]*\)\s*$", "", text)
    return text.rstrip(":").strip()


# .xlsx -----------------------------------------------------------------------


def _check_zip(data, limits):
    """Refuse a zip that is not a plain workbook before openpyxl opens it:
    the shared upload checks (every member read and checked, XML parsed
    without DTDs, macros), then what makes it an Excel workbook."""
    try:
        package = uploads.check_zip(
            data,
            limits=uploads.ZipLimits(
                max_members=limits.max_zip_members,
                max_unpacked_bytes=limits.max_uncompressed_bytes,
                max_ratio=limits.max_compression_ratio,
            ),
        )
    except uploads.UnsafeFile as refusal:
        raise UnreadableFile(refusal.message, refusal.code) from refusal
    if "EncryptionInfo" in package.names:
        raise UnreadableFile(
            _("The workbook is password-protected. Save a copy without a password."),
            "encrypted",
        )
    if "[Content_Types].xml" not in package.names or "xl/workbook.xml" not in package.names:
        raise UnreadableFile(
            _(
                "The file is a zip archive, not an Excel workbook (perhaps a renamed .zip "
                "or another Office document). Save the sheet from Excel as .xlsx."
            ),
            "not_workbook",
        )
    return package


def _read_xlsx(data, limits, expected_columns):
    from openpyxl import load_workbook

    _check_zip(data, limits)
    try:
        workbook = load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False
        )
    except Exception as error:  # openpyxl raises many kinds for broken parts
        raise UnreadableFile(
            _("The workbook is damaged or not an Excel workbook (%(error)s).")
            % {"error": type(error).__name__},
            "damaged",
        ) from error
    try:
        sheets = [ws for ws in workbook.worksheets if hasattr(ws, "iter_rows")]
        if not sheets:
            raise UnreadableFile(_("The workbook has no worksheet."), "no_sheet")
        chosen, header_index = sheets[0], None
        if expected_columns:
            for sheet in sheets:
                index = _find_header(_first_rows(sheet, limits), expected_columns)
                if index is not None:
                    chosen, header_index = sheet, index
                    break
        return _table_from_sheet(chosen, header_index, limits)
    except UnreadableFile:
        raise
    except Exception as error:  # read-only sheets are parsed only now
        raise UnreadableFile(
            _("The workbook is damaged or not an Excel workbook (%(error)s).")
            % {"error": type(error).__name__},
            "damaged",
        ) from error
    finally:
        workbook.close()


def _first_rows(sheet, limits):
    rows = []
    for row in sheet.iter_rows(max_row=10, max_col=limits.max_columns):
        rows.append([cell.value for cell in row])
    return rows


def _find_header(rows, expected_columns):
    wanted = set(expected_columns)
    for index, values in enumerate(rows):
        if wanted & {normalise_header(v) for v in values if v is not None}:
            return index
    return None


def _table_from_sheet(sheet, header_index, limits):
    header, rows, formulas, formula_text = None, [], [], []
    seen = 0
    for row in sheet.iter_rows():
        seen += 1
        cells = [c for c in row if getattr(c, "value", None) is not None]
        if not cells:
            continue
        widest = max(c.column for c in cells)
        if widest > limits.max_columns:
            raise UnreadableFile(
                _("Row %(row)s has data in column %(column)s; at most %(max)s columns are read.")
                % {
                    "row": cells[0].row,
                    "column": column_letter(widest),
                    "max": limits.max_columns,
                },
                "too_many_columns",
            )
        values = [Cell(None)] * widest
        for cell in cells:
            if cell.data_type == "f":
                formulas.append(cell.coordinate)
                continue
            value = cell.value
            if isinstance(value, str):
                value = clean_text(value)
                if looks_like_formula(value):
                    formula_text.append(cell.coordinate)
            values[cell.column - 1] = Cell(value, cell.number_format or "")
        if header is None:
            if header_index is not None and seen - 1 < header_index:
                continue
            header = [_header_text(c.value) for c in values]
            header_row = cells[0].row
            continue
        rows.append(Row(cells[0].row, values))
        if len(rows) > limits.max_rows:
            raise UnreadableFile(
                ngettext(
                    "The sheet has more than %(max)s row of data.",
                    "The sheet has more than %(max)s rows of data.",
                    limits.max_rows,
                )
                % {"max": limits.max_rows},
                "too_many_rows",
            )
    if formulas:
        raise UnreadableFile(
            _(
                "The sheet contains formulas (%(cells)s). Formulas are not imported: "
                "copy the cells and paste them as values, then upload the file again."
            )
            % {"cells": _list_cells(formulas)},
            "formulas",
        )
    if formula_text:
        raise formula_text_refused(formula_text)
    if header is None:
        raise UnreadableFile(
            _("The sheet “%(sheet)s” is empty.") % {"sheet": sheet.title}, "empty"
        )
    width = max([len(header)] + [len(r.cells) for r in rows])
    return Table(
        header=header + [""] * (width - len(header)),
        rows=rows,
        format="xlsx",
        sheet=sheet.title,
        header_row=header_row,
        column_names=[column_letter(i) for i in range(1, width + 1)],
    )


def _list_cells(coordinates, shown=5):
    listed = ", ".join(coordinates[:shown])
    if len(coordinates) > shown:
        listed += " " + _("and %(count)s more") % {"count": len(coordinates) - shown}
    return listed


def clean_text(value):
    """Text of a cell without control characters, which no one types and
    which would hide a formula starter behind them."""
    return strip_control_characters(value)


def looks_like_formula(value):
    """Whether a spreadsheet would run the text as a formula when the
    data is exported again (=, +, -, @, tab or carriage return first, as
    OWASP's CSV-injection guidance lists them), once control characters
    and surrounding spaces are gone. Signed plain numbers are numbers."""
    if not isinstance(value, str):
        return False
    text = strip_control_characters(value).strip()
    if not starts_like_formula(text) or PLAIN_NUMBER.match(text):
        return False
    # A lone dash is how many sheets write "no figure"; nothing to run.
    return text.strip("-") != ""


def formula_text_refused(coordinates):
    return UnreadableFile(
        _(
            "Cells %(cells)s begin with =, +, -, @, a tab or a line break, which a "
            "spreadsheet runs as a formula. Remove that first character or write the "
            "text differently, then upload the file again."
        )
        % {"cells": _list_cells(coordinates)},
        "formula_text",
    )


def _header_text(value):
    return "" if value is None else re.sub(r"\s+", " ", str(value)).strip()


# .csv ------------------------------------------------------------------------


def decode_text(data):
    """(text, encoding name): UTF-16 by its BOM, UTF-8 (BOM or not), else
    Windows-1252, which is what Danish Excel writes as "CSV"."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as error:
            raise UnreadableFile(
                _("The file says it is UTF-16 text but cannot be read as such."), "encoding"
            ) from error
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        # Bytes cp1252 leaves undefined (0x81, 0x8d, ...): Latin-1 maps them all.
        return data.decode("latin-1"), "ISO-8859-1"


def guess_delimiter(lines):
    """The delimiter that splits the first lines into the most columns,
    outside quotes; ';' wins ties, since Danish Excel writes semicolons
    (the comma is the decimal mark). A title line above the headers, with
    a comma in its text, does not decide it: the widest line does."""
    counts = dict.fromkeys(DELIMITERS, 0)
    for line in lines:
        unquoted = re.sub(r'"[^"]*"', "", line)
        for delimiter in DELIMITERS:
            counts[delimiter] = max(counts[delimiter], unquoted.count(delimiter))
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _read_csv(data, limits, expected_columns):
    text, encoding = decode_text(data)
    if "\x00" in text:
        raise UnreadableFile(_("The file contains binary data; it is not a CSV file."), "binary")
    sample = [line for line in text.splitlines()[:50] if line.strip()][:10]
    if not sample:
        raise UnreadableFile(_("The file is empty."), "empty")
    delimiter = guess_delimiter(sample)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    raw = []
    try:
        for number, values in enumerate(reader, start=1):
            if not any(v.strip() for v in values):
                continue
            if len(values) > limits.max_columns and any(
                v.strip() for v in values[limits.max_columns :]
            ):
                raise UnreadableFile(
                    _("Line %(row)s has more than %(max)s columns.")
                    % {"row": number, "max": limits.max_columns},
                    "too_many_columns",
                )
            raw.append((number, values[: limits.max_columns]))
            if len(raw) > limits.max_rows + 10:
                raise UnreadableFile(
                    ngettext(
                        "The file has more than %(max)s line of data.",
                        "The file has more than %(max)s lines of data.",
                        limits.max_rows,
                    )
                    % {"max": limits.max_rows},
                    "too_many_rows",
                )
    except csv.Error as error:
        raise UnreadableFile(
            _("The CSV file cannot be read: %(error)s.") % {"error": error}, "damaged"
        ) from error
    header_at = _find_header([values for _n, values in raw[:10]], expected_columns) or 0
    header_row, header = raw[header_at]
    rows = [
        Row(number, [Cell(clean_text(v).strip() or None) for v in values])
        for number, values in raw[header_at + 1 :]
    ]
    # Excel would run these as formulas when the file is opened; they are
    # refused as in a workbook, so both formats follow one rule.
    formulas = [
        f"{column_letter(index)}{row.number}"
        for row in rows
        for index, cell in enumerate(row.cells, start=1)
        if looks_like_formula(cell.value)
    ]
    if formulas:
        raise UnreadableFile(
            _(
                "The file contains formulas (%(cells)s). Formulas are not imported: "
                "write the values themselves, then upload the file again."
            )
            % {"cells": _list_cells(formulas)},
            "formulas",
        )
    if len(rows) > limits.max_rows:
        raise UnreadableFile(
            ngettext(
                "The file has more than %(max)s line of data.",
                "The file has more than %(max)s lines of data.",
                limits.max_rows,
            )
            % {"max": limits.max_rows},
            "too_many_rows",
        )
    width = max([len(header)] + [len(r.cells) for r in rows])
    names = {";": _("semicolon"), ",": _("comma"), "\t": _("tab")}
    return Table(
        header=[_header_text(v) for v in header] + [""] * (width - len(header)),
        rows=rows,
        format="csv",
        encoding=encoding,
        delimiter=str(names[delimiter]),
        header_row=header_row,
        column_names=[column_letter(i) for i in range(1, width + 1)],
    )
