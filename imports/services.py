"""Preview an uploaded spreadsheet, then import exactly what was previewed.

`preview_upload` reads and checks a file and stores the result (never the
figures themselves); `apply_upload` writes a stored, error-free preview in
one transaction, once. Views, tests and the shell call these two.
"""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .importers import get_importer
from .models import ImportUpload
from .reading import Limits, UnreadableFile, read_table, too_large_message


def limits():
    return Limits(max_bytes=settings.MAX_UPLOAD_BYTES)


def read_upload(uploaded_file):
    """The bytes of an uploaded file, refusing one over the size limit
    before reading it into memory."""
    limit = settings.MAX_UPLOAD_BYTES
    if uploaded_file.size > limit:
        raise UnreadableFile(too_large_message(uploaded_file.size, limit), "too_large")
    return uploaded_file.read(limit + 1)


def describe_table(table):
    if table.format == "xlsx":
        return _("Excel workbook, sheet “%(sheet)s”, headers in row %(row)s") % {
            "sheet": table.sheet,
            "row": table.header_row,
        }
    return _("CSV, %(encoding)s, %(delimiter)s-separated, headers in line %(row)s") % {
        "encoding": table.encoding,
        "delimiter": table.delimiter,
        "row": table.header_row,
    }


def preview_upload(*, kind, data, filename, parameters, by):
    """Read and check a file; store and return its preview (an
    `ImportUpload`). Raises `UnreadableFile` for a file that is refused as
    a whole; such a file is not stored."""
    importer = get_importer(kind)
    table = read_table(
        data, filename, limits=limits(), expected_columns=importer.expected_headers()
    )
    preview = importer.check(table, parameters)
    return ImportUpload.objects.create(
        kind=kind,
        filename=filename[:255],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
        read_as=describe_table(table)[:200],
        parameters=parameters,
        rows=[row.as_json() for row in preview.rows],
        problems=[problem.as_json() for problem in preview.problems],
        warnings=[str(warning) for warning in preview.warnings],
        status=ImportUpload.Status.HAS_ERRORS if preview.has_errors else ImportUpload.Status.READY,
        uploaded_by=by,
    )


class NotImportable(ValidationError):
    pass


@transaction.atomic
def apply_upload(*, upload_id, sha256, by):
    """Write the previewed rows of a ready upload, all or nothing.

    `sha256` is the hash the confirmation page showed: it must match, so a
    confirmation can only import the preview it was given for. Returns the
    upload, now `applied`, with the number of rows written.
    """
    upload = ImportUpload.objects.select_for_update().get(pk=upload_id)
    if upload.status == ImportUpload.Status.APPLIED:
        raise NotImportable(_("This file has already been imported."), code="applied")
    if upload.status != ImportUpload.Status.READY:
        raise NotImportable(
            _("Only a file without errors can be imported: fix it and upload it again."),
            code="not_ready",
        )
    if upload.sha256 != sha256:
        raise NotImportable(
            _("The confirmation does not match the previewed file: upload it again."),
            code="mismatch",
        )
    importer = get_importer(upload.kind)
    reason = _("Import #%(id)s: %(file)s") % {"id": upload.pk, "file": upload.filename}
    written = importer.apply(upload.rows, upload.parameters, by=by, reason=reason)
    upload.status = ImportUpload.Status.APPLIED
    upload.applied_by = by
    upload.applied_at = timezone.now()
    upload.written = written
    upload.save(update_fields=["status", "applied_by", "applied_at", "written"])
    return upload


def discard_upload(*, upload):
    if upload.status in (ImportUpload.Status.READY, ImportUpload.Status.HAS_ERRORS):
        upload.status = ImportUpload.Status.DISCARDED
        upload.save(update_fields=["status"])
    return upload
