"""Upload safety: the one place that opens an uploaded zip package or PDF.

Spreadsheet imports (`imports.reading`) and meeting attachments
(`governance.attachments`) both call these checks before anything else
reads the file. They parse instead of searching bytes:

- a zip package is opened with `zipfile` and every member is checked
  (compression method, encryption flag, declared sizes and compression
  ratio against zip bombs) and then read to its end, so damaged deflate
  data and a wrong CRC are found here, not in openpyxl;
- every XML part is parsed with defusedxml, which refuses document type
  and entity declarations whatever the part's encoding (UTF-16 included);
- macros and embedded programs are found by the package's own content
  types and relationships, not by the names of its parts;
- a PDF is parsed with pypdf, which decodes names (/J#61vaScript is
  /JavaScript) and reads compressed object streams; every object is looked
  at for scripts, launch actions, embedded files and actions on opening.

Each refusal is an `UnsafeFile` with a code and a translated message for
the user. Imports nothing from the portal's apps: every app may use it.
"""

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree
from django.utils.translation import gettext as _


class UnsafeFile(Exception):
    def __init__(self, message, code):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class ZipLimits:
    max_members: int = 500
    max_unpacked_bytes: int = 50_000_000
    # A part that unpacks to more than `ratio_floor` bytes may do so at most
    # this many times its packed size: zip bombs compress by thousands,
    # real documents by 5 to 50.
    max_ratio: int = 200
    ratio_floor: int = 1_000_000


@dataclass
class Package:
    """What the checks learnt about an Office or OpenDocument package."""

    names: set = field(default_factory=set)
    # Part name (without leading slash) or extension -> content type.
    content_types: dict = field(default_factory=dict)
    # The `mimetype` member of an OpenDocument file, if any.
    mimetype: str = ""


ALLOWED_COMPRESSION = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}
XML_SUFFIXES = (".xml", ".rels", ".vml")
# Content types and relationship types that carry code: VBA projects and
# their signatures, ActiveX controls, OLE objects (which may wrap any
# program), and Word's attached templates (which may fetch macros).
CODE_MARKERS = ("vbaproject", "macroenabled", "activex", "oleobject", "vbadata", "vbasignature")
CODE_RELATIONSHIPS = ("/vbaproject", "/activexcontrol", "/oleobject", "/attachedtemplate")
CODE_PATHS = ("basic/", "scripts/", "object ")
READ_CHUNK = 1 << 16


def _macros():
    return UnsafeFile(
        _(
            "The file contains macros, ActiveX controls or embedded programs. Save it "
            "without them and upload that."
        ),
        "macros",
    )


def _damaged(name=None):
    if name:
        return UnsafeFile(
            _("The file is damaged: its part “%(name)s” cannot be read.") % {"name": name},
            "damaged",
        )
    return UnsafeFile(_("The file is damaged: it cannot be unpacked."), "damaged")


def _megabytes(size):
    return f"{size / 1_048_576:.1f} MB".replace(".", ",")


def check_zip(data, *, limits=ZipLimits()):
    """Check an uploaded zip package through and through; return a `Package`."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise _damaged() from error
    with archive:
        if len(members) > limits.max_members:
            raise UnsafeFile(
                _(
                    "The file has %(count)s parts; a document of this kind has far fewer. "
                    "It is refused as a possible zip bomb."
                )
                % {"count": len(members)},
                "zip_bomb",
            )
        total = 0
        for member in members:
            _check_member_header(member, limits)
            total += member.file_size
        if total > limits.max_unpacked_bytes:
            raise UnsafeFile(
                _(
                    "The file unpacks to %(size)s, more than the %(limit)s allowed. "
                    "It is refused as a possible zip bomb."
                )
                % {"size": _megabytes(total), "limit": _megabytes(limits.max_unpacked_bytes)},
                "zip_bomb",
            )
        package = Package(names={member.filename for member in members})
        for member in members:
            content = _read_member(archive, member)
            name = member.filename
            lowered = name.lower()
            if _is_program(lowered):
                raise _macros()
            if name == "mimetype":
                package.mimetype = content.decode("ascii", "replace").strip()
            if lowered.endswith(XML_SUFFIXES):
                root = _parse_xml(name, content)
                if name == "[Content_Types].xml":
                    package.content_types = _content_types(root)
                elif lowered.endswith(".rels"):
                    _check_relationships(root)
                elif lowered == "meta-inf/manifest.xml":
                    _check_manifest(root)
        for content_type in package.content_types.values():
            if any(marker in content_type.lower() for marker in CODE_MARKERS):
                raise _macros()
        return package


def _is_program(name):
    """Parts that hold code by their usual names, besides what the content
    types and relationships say: a VBA project, ActiveX controls, OLE
    objects, OpenDocument Basic and scripts. Printer settings, also `.bin`,
    are harmless and common in Excel files."""
    base = PurePosixPath(name).name
    return (
        base.startswith("vbaproject")
        or "/activex/" in name
        or (base.startswith("oleobject") and base.endswith(".bin"))
        or name.startswith(CODE_PATHS)
    )


def _check_member_header(member, limits):
    if member.flag_bits & 0x1:
        raise UnsafeFile(
            _(
                "A part of the file is encrypted (password-protected). "
                "Save a copy without a password and upload that."
            ),
            "encrypted",
        )
    if member.compress_type not in ALLOWED_COMPRESSION:
        raise UnsafeFile(
            _(
                "A part of the file is packed in a way that is not accepted (method "
                "%(method)s). Open the file and save it again from its own program."
            )
            % {"method": member.compress_type},
            "compression",
        )
    compressed = max(member.compress_size, 1)
    if member.file_size > limits.ratio_floor and member.file_size / compressed > limits.max_ratio:
        raise UnsafeFile(
            _(
                "A part of the file unpacks to %(ratio)s times its packed size. "
                "It is refused as a possible zip bomb."
            )
            % {"ratio": f"{member.file_size // compressed:,}".replace(",", ".")},
            "zip_bomb",
        )


def _read_member(archive, member):
    """The member's bytes, read to the end so that zipfile checks the CRC;
    never more than its declared size (already within the limits)."""
    chunks, size = [], 0
    try:
        with archive.open(member) as handle:
            while chunk := handle.read(READ_CHUNK):
                size += len(chunk)
                if size > member.file_size:
                    raise _damaged(member.filename)
                chunks.append(chunk)
    except UnsafeFile:
        raise
    except Exception as error:  # zlib.error, BadZipFile (CRC), EOFError, ...
        raise _damaged(member.filename) from error
    return b"".join(chunks)


def _parse_xml(name, content):
    try:
        return SafeElementTree.fromstring(
            content, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException as error:
        raise UnsafeFile(
            _(
                "The file contains XML declarations (a DTD or entities) that are not "
                "allowed in a document."
            ),
            "xml_entities",
        ) from error
    except Exception as error:  # ParseError, ValueError for broken encodings
        raise UnsafeFile(
            _("The file is damaged: its part “%(name)s” is not valid XML.") % {"name": name},
            "damaged",
        ) from error


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def _content_types(root):
    types = {}
    for element in root:
        kind = _local(element.tag)
        if kind == "Default":
            types["*." + element.get("Extension", "").lower()] = element.get("ContentType", "")
        elif kind == "Override":
            types[element.get("PartName", "").lstrip("/")] = element.get("ContentType", "")
    return types


def _check_relationships(root):
    for element in root:
        kind = (element.get("Type") or "").lower()
        if kind.endswith(CODE_RELATIONSHIPS):
            raise _macros()


def _check_manifest(root):
    """OpenDocument lists its parts with their media types: scripts and
    Basic libraries are code."""
    for element in root:
        media_type = "".join(
            value for key, value in element.attrib.items() if _local(key) == "media-type"
        ).lower()
        full_path = "".join(
            value for key, value in element.attrib.items() if _local(key) == "full-path"
        ).lower()
        if "script" in media_type or PurePosixPath(full_path).parts[:1] in (
            ("basic",),
            ("scripts",),
        ):
            raise _macros()


# PDF -------------------------------------------------------------------------

# Names that run code, launch programs, submit data or carry other files.
PDF_ACTIVE_NAMES = {
    "/JavaScript",
    "/JS",
    "/Launch",
    "/EmbeddedFile",
    "/EmbeddedFiles",
    "/RichMedia",
    "/SubmitForm",
    "/ImportData",
    "/GoToE",
}
# Keys whose value acts when the document or a page is opened.
PDF_ON_OPEN = ("/OpenAction", "/AA")
# The one opening action a plain document uses: go to a page.
PDF_HARMLESS_ACTIONS = {"/GoTo"}


def _pdf_active():
    return UnsafeFile(
        _("The PDF contains scripts, actions or embedded files and is refused."), "pdf_active"
    )


def check_pdf(data):
    """Parse the PDF with pypdf and refuse active content anywhere in it."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    damaged = UnsafeFile(
        _("The PDF is damaged or is not really a PDF: it cannot be read."), "damaged"
    )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UnsafeFile(
                _("The PDF is password-protected. Save a copy without a password."),
                "encrypted",
            )
        catalog = reader.trailer["/Root"].get_object()
        if not hasattr(catalog, "keys") or catalog.get("/Type") != "/Catalog":
            raise damaged
        for key in PDF_ON_OPEN:
            if key in catalog and not _harmless_open_action(catalog[key].get_object()):
                raise _pdf_active()
        for obj in _every_object(reader):
            _check_pdf_value(obj, depth=0)
        if len(reader.pages) == 0:
            raise damaged
    except UnsafeFile:
        raise
    except (PyPdfError, Exception) as error:  # pypdf raises many kinds on garbage
        raise damaged from error


def _harmless_open_action(action):
    # A destination (an array: page and view) or a GoTo action is harmless;
    # /AA (additional actions) never is.
    if isinstance(action, list):
        return True
    if hasattr(action, "get"):
        return action.get("/S") in PDF_HARMLESS_ACTIONS and "/Next" not in action
    return False


def _every_object(reader):
    """Every indirect object in the file, those in object streams included."""
    from pypdf.generic import IndirectObject

    seen = set()
    for generation, entries in reader.xref.items():
        for number in entries:
            seen.add(number)
            yield reader.get_object(IndirectObject(number, generation, reader))
    for number in reader.xref_objStm:
        if number not in seen:
            yield reader.get_object(IndirectObject(number, 0, reader))
    yield reader.trailer


def _check_pdf_value(value, depth):
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, StreamObject

    if depth > 50:
        return
    if isinstance(value, NameObject):
        if value in PDF_ACTIVE_NAMES:
            raise _pdf_active()
    elif isinstance(value, DictionaryObject | StreamObject):
        for key, item in value.items():
            if key in PDF_ACTIVE_NAMES or key == "/AA":
                raise _pdf_active()
            if key == "/OpenAction" and not _harmless_open_action(item.get_object()):
                raise _pdf_active()
            # Indirect references are checked as objects of their own.
            if not hasattr(item, "idnum"):
                _check_pdf_value(item, depth + 1)
    elif isinstance(value, ArrayObject):
        for item in value:
            if not hasattr(item, "idnum"):
                _check_pdf_value(item, depth + 1)
