"""Meeting attachments: judged by content, refused when hostile."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from governance.attachments import validate_attachment
from governance.models import MeetingAttachment
from tests.uploads.files import pdf

from .factories import MeetingFactory

pytestmark = pytest.mark.django_db

# A real one-page PDF, as pypdf writes it.
PDF = pdf()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def package(parts, content_types=b"<Types/>"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


WORD_XML = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'
DOCX = package({"word/document.xml": WORD_XML})


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def refusal(name, content):
    with pytest.raises(ValidationError) as error:
        validate_attachment(upload(name, content))
    return error.value.error_list[0].code


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("referat.pdf", PDF),
        ("diagram.png", PNG),
        ("foto.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 32),
        ("dagsorden.docx", DOCX),
        (
            "oversigt.xlsx",
            package(
                {
                    "xl/workbook.xml": b"<workbook/>",
                    "xl/printerSettings/printerSettings1.bin": b"\x00",
                }
            ),
        ),
        ("slides.pptx", package({"ppt/presentation.xml": b"<p/>"})),
    ],
)
def test_real_documents_are_accepted(name, content):
    validate_attachment(upload(name, content))


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("program.pdf", b"MZ\x90\x00" + b"\x00" * 64, "unknown_type"),
        ("side.pdf", b"<html><script>alert(1)</script></html>", "unknown_type"),
        ("referat.html", b"<html></html>", "extension"),
        ("referat.exe", PDF, "extension"),
        ("referat", PDF, "extension"),
        ("billede.pdf", PNG, "mismatch"),
        ("referat.docx", PDF, "mismatch"),
        ("tom.pdf", b"", "empty"),
        (
            "script.pdf",
            PDF.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript >>"),
            "pdf_active",
        ),
        ("start.pdf", PDF.replace(b"/Type /Catalog", b"/Type /Catalog /X /Launch"), "pdf_active"),
        (
            "makro.docx",
            package({"word/document.xml": b"<d/>", "word/vbaProject.bin": b"\x00"}),
            "macros",
        ),
        (
            "makro.docx",
            package(
                {"word/document.xml": b"<d/>"},
                b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                b'<Override PartName="/word/document.xml" ContentType="application/'
                b'vnd.ms-word.document.macroEnabled.main+xml"/></Types>',
            ),
            "macros",
        ),
        (
            "ole.docx",
            package({"word/document.xml": b"<d/>", "word/embeddings/oleObject1.bin": b"\x00"}),
            "macros",
        ),
        (
            "bombe.docx",
            package({"word/document.xml": b"<d/>", "word/fyld.xml": b"0" * 5_000_000}),
            "zip_bomb",
        ),
        ("arkiv.docx", package({"andet.txt": b"hej"}), "unknown_type"),
        ("brudt.docx", b"PK\x03\x04" + b"\x00" * 40, "damaged"),
    ],
)
def test_hostile_or_disguised_files_are_refused(name, content, code):
    assert refusal(name, content) == code


def test_a_file_over_the_limit_is_refused_with_both_sizes(settings):
    settings.MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationError) as error:
        validate_attachment(upload("stor.pdf", PDF + b"0" * (2048 - len(PDF))))
    assert error.value.error_list[0].code == "too_large"
    assert error.value.messages[0] == "Filen fylder 2,0\xa0KB; højst 1,0\xa0KB er tilladt."


def test_the_refusal_is_shown_in_the_admin_and_nothing_is_saved(coordinator_client):
    meeting = MeetingFactory()
    url = reverse("admin:governance_meeting_change", args=[meeting.pk])
    data = {
        "forum": meeting.forum.pk,
        "starts_at_0": meeting.starts_at.strftime("%d-%m-%Y"),
        "starts_at_1": "10:00:00",
        "place": meeting.place,
        "agenda": meeting.agenda,
        "decisions-TOTAL_FORMS": 0,
        "decisions-INITIAL_FORMS": 0,
        "attachments-TOTAL_FORMS": 1,
        "attachments-INITIAL_FORMS": 0,
        "attachments-0-kind": "minutes",
        "attachments-0-title": "Referat",
        "attachments-0-file": upload("referat.pdf", b"<html><script></script></html>"),
    }
    response = coordinator_client.post(url, data)
    assert response.status_code == 200
    assert "Filens indhold er ikke et af de tilladte formater" in response.content.decode()
    assert not MeetingAttachment.objects.exists()


def test_an_accepted_attachment_is_downloaded_as_a_file_never_rendered(
    viewer_client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    attachment = MeetingAttachment(
        meeting=MeetingFactory(), kind="minutes", title="Referat", file=upload("Referat.pdf", PDF)
    )
    attachment.full_clean()
    attachment.save()
    assert (attachment.size, attachment.content_type, attachment.original_name) == (
        len(PDF),
        "application/pdf",
        "Referat.pdf",
    )
    assert "Referat" not in attachment.file.name  # stored under a random folder
    response = viewer_client.get(attachment.get_absolute_url())
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
