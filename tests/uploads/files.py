"""Hostile and honest PDFs and packages for the upload-safety tests."""

import io
import struct
import zlib

from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject


def pdf(mutate=None):
    """A real one-page PDF written by pypdf, changed by `mutate(writer)`."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if mutate:
        mutate(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def open_action(kind, **entries):
    def mutate(writer):
        action = {NameObject("/S"): NameObject(kind)}
        action.update({NameObject(k): TextStringObject(v) for k, v in entries.items()})
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(action)

    return mutate


def pdf_with_object_stream(hidden):
    """A PDF 1.5 whose catalog's /OpenAction is object 5, kept compressed in
    an object stream (found through a cross-reference stream), so the
    action's bytes never appear in the file."""
    inner = b"5 0 "
    stream = zlib.compress(inner + hidden)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>",
        b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << >> >>",
        b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(inner), len(stream))
        + stream
        + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_offset = len(out)
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    rows += [struct.pack(">BIH", 1, offset, 0) for offset in offsets]
    rows.append(struct.pack(">BIH", 2, 4, 0))  # object 5: in stream 4, index 0
    rows.append(struct.pack(">BIH", 1, xref_offset, 0))  # object 6: this stream
    table = b"".join(rows)
    out += (
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % len(table)
        + table
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_offset
    )
    return bytes(out)


def patch_headers(data, *, method=None, flags=None):
    """The zip with every member's compression method or flag bits set in
    both its local header and the central directory, as a hostile or
    broken program might write them."""
    out = bytearray(data)
    for signature, method_at, flags_at in ((b"PK\x03\x04", 8, 6), (b"PK\x01\x02", 10, 8)):
        start = 0
        while (start := out.find(signature, start)) != -1:
            if method is not None:
                out[start + method_at : start + method_at + 2] = struct.pack("<H", method)
            if flags is not None:
                old = struct.unpack("<H", out[start + flags_at : start + flags_at + 2])[0]
                out[start + flags_at : start + flags_at + 2] = struct.pack("<H", old | flags)
            start += 4
    return bytes(out)
