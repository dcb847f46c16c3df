"""What a meeting attachment may be, judged by its content, not its name.

A file is accepted when its bytes are one of the formats below, its name
ends in an extension of that format, and it is within MAX_UPLOAD_BYTES.
Office files must be real Office Open XML or OpenDocument packages without
macros and without a suspicious compression ratio (a zip bomb); PDFs must
not carry scripts, launch actions or embedded files. Both are checked by
the portal's one upload-safety module, `fmkrollout.uploads`. The checks are
deliberately strict: a coordinator who needs another format converts it
to PDF. Downloads are served as attachments with `nosniff` (see views), so
even a file that slipped through is never rendered by the browser as a page.
"""

from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from fmkrollout import uploads

# An Office package may unpack to at most this much, and a large part at
# most this many times its packed size; real documents stay far below both.
PACKAGE_LIMITS = uploads.ZipLimits(
    max_members=2_000, max_unpacked_bytes=200 * 1024 * 1024, max_ratio=100
)


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    extensions: tuple


PDF = FileType("PDF", "application/pdf", (".pdf",))
PNG = FileType("PNG", "image/png", (".png",))
JPEG = FileType("JPEG", "image/jpeg", (".jpg", ".jpeg"))
DOCX = FileType(
    "Word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = FileType(
    "Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)
)
PPTX = FileType(
    "PowerPoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    (".pptx",),
)
ODT = FileType("OpenDocument Text", "application/vnd.oasis.opendocument.text", (".odt",))
ODS = FileType(
    "OpenDocument Spreadsheet", "application/vnd.oasis.opendocument.spreadsheet", (".ods",)
)
ODP = FileType(
    "OpenDocument Presentation", "application/vnd.oasis.opendocument.presentation", (".odp",)
)

# The part that makes a package a Word, Excel or PowerPoint file.
OOXML_MAIN_PARTS = {
    "word/document.xml": DOCX,
    "xl/workbook.xml": XLSX,
    "ppt/presentation.xml": PPTX,
}
ODF_MIMETYPES = {t.content_type: t for t in (ODT, ODS, ODP)}
ALLOWED_EXTENSIONS = sorted(
    ext for t in (PDF, PNG, JPEG, DOCX, XLSX, PPTX, ODT, ODS, ODP) for ext in t.extensions
)


def _refuse(message, code, **params):
    raise ValidationError(message, code=code, params=params)


def _read_all(file):
    file.seek(0)
    data = file.read()
    file.seek(0)
    return data


def _detect_package(file):
    try:
        package = uploads.check_zip(_read_all(file), limits=PACKAGE_LIMITS)
    except uploads.UnsafeFile as refusal:
        _refuse(refusal.message, refusal.code)
    if "[Content_Types].xml" in package.names:
        for part, file_type in OOXML_MAIN_PARTS.items():
            if part in package.names:
                return file_type
    return ODF_MIMETYPES.get(package.mimetype)


def detect_type(file):
    """The FileType of the file's content; ValidationError when it is none
    of the accepted formats or is hostile."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        try:
            uploads.check_pdf(_read_all(file))
        except uploads.UnsafeFile as refusal:
            _refuse(refusal.message, refusal.code)
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        file_type = _detect_package(file)
        file.seek(0)
        if file_type is not None:
            return file_type
    _refuse(
        _(
            "The file's content is not one of the accepted formats "
            "(PDF, Word, Excel, PowerPoint, OpenDocument, PNG or JPEG)."
        ),
        "unknown_type",
    )


def validate_attachment(file):
    """Model field validator for MeetingAttachment.file."""
    if getattr(file, "_committed", False):
        # Already stored, so already checked when it was uploaded.
        return
    size = file.size
    if size == 0:
        _refuse(_("The file is empty."), "empty")
    if size > settings.MAX_UPLOAD_BYTES:
        _refuse(
            _("The file is %(size)s; at most %(limit)s is accepted."),
            "too_large",
            size=filesizeformat(size),
            limit=filesizeformat(settings.MAX_UPLOAD_BYTES),
        )
    extension = PurePath(file.name or "").suffix.lower()
    if extension not in ALLOWED_EXTENSIONS:
        _refuse(
            _("Files ending in “%(extension)s” are not accepted. Accepted: %(allowed)s."),
            "extension",
            extension=extension or "—",
            allowed=", ".join(ALLOWED_EXTENSIONS),
        )
    file_type = detect_type(file)
    if extension not in file_type.extensions:
        _refuse(
            _("The file's name ends in “%(extension)s”, but its content is %(kind)s."),
            "mismatch",
            extension=extension,
            kind=file_type.label,
        )
