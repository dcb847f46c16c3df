"""The import pages in the admin: who gets in, and the upload–preview–confirm flow."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from imports import example_files
from imports.importers import IMPORTERS
from imports.models import ImportUpload
from municipalities.roles import Role
from tests.conftest import make_user
from waves.models import GPAdoption

from .files import xlsx

pytestmark = pytest.mark.django_db

UPLOAD = reverse("admin:imports_importupload_upload", args=["gp"])


def form_data(content, name="medcom.xlsx"):
    return {
        "file": SimpleUploadedFile(name, content),
        "source": "MedCom",
        "definition": "Andel af praksis med FMK",
        "measured_on": "15-01-2014",
    }


def test_the_upload_page_documents_the_columns_and_offers_the_examples(coordinator_client):
    response = coordinator_client.get(UPLOAD)
    assertContains(response, "Kommunekode")
    assertContains(response, "Andel (%)")
    assertContains(response, "Bemærkning")
    assertContains(response, "laegers-ibrugtagning-eksempel.xlsx")
    assertContains(response, "laegers-ibrugtagning-eksempel.csv")


@pytest.mark.parametrize("extension", ["xlsx", "csv"])
def test_the_example_files_download(coordinator_client, extension):
    url = reverse("admin:imports_importupload_example", args=["gp", extension])
    response = coordinator_client.get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    path = example_files.path(IMPORTERS["gp"], extension)
    assert b"".join(response.streaming_content) == path.read_bytes()


def test_upload_preview_and_confirm_writes_the_rows(coordinator_client, coordinator):
    path = example_files.path(IMPORTERS["gp"], "xlsx")
    response = coordinator_client.post(UPLOAD, form_data(path.read_bytes(), path.name))
    upload = ImportUpload.objects.get()
    assert response.status_code == 302
    assert response["Location"] == upload.get_absolute_url()
    assert not GPAdoption.objects.exists()

    preview = coordinator_client.get(upload.get_absolute_url())
    assertContains(preview, "København")
    assertContains(preview, "62,5 %")
    assertContains(preview, "Indlæs disse rækker")
    assertContains(preview, "overskrifter i række 3")

    confirmed = coordinator_client.post(
        upload.get_absolute_url(), {"sha256": upload.sha256, "confirm": "1"}, follow=True
    )
    assertContains(confirmed, "7 rækker skrevet")
    assert GPAdoption.objects.count() == 7
    upload.refresh_from_db()
    assert (upload.status, upload.applied_by) == (ImportUpload.Status.APPLIED, coordinator)


def test_a_file_with_problems_shows_them_and_offers_no_confirmation(coordinator_client):
    data = xlsx([["Kommune", "Andel"], ["Atlantis", 10], ["Odense", 140]])
    coordinator_client.post(UPLOAD, form_data(data))
    upload = ImportUpload.objects.get()
    response = coordinator_client.get(upload.get_absolute_url())
    assertContains(response, "Ukendt kommune »Atlantis«")
    assertContains(response, "140 % er uden for 0–100 %")
    assertContains(response, "Filen har 2 problemer")
    assertNotContains(response, "Indlæs disse rækker")
    coordinator_client.post(upload.get_absolute_url(), {"sha256": upload.sha256, "confirm": "1"})
    assert not GPAdoption.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("rapport.xlsx", b"%PDF-1.7 ...", "Det er en PDF-fil, ikke et regneark."),
        (
            "data.xlsx",
            xlsx([["Kommune", "Andel"], ["Odense", "=40+5"]]),
            "Arket indeholder formler (B2)",
        ),
        ("noter.txt", b"Kommune;Andel", "Kun Excel-projektmapper (.xlsx) og CSV-filer (.csv)"),
    ],
)
def test_a_refused_file_is_explained_on_the_form_and_nothing_is_stored(
    coordinator_client, name, content, message
):
    response = coordinator_client.post(UPLOAD, form_data(content, name))
    assert response.status_code == 200
    assertContains(response, message)
    assert not ImportUpload.objects.exists()
    assert not GPAdoption.objects.exists()


def test_a_file_over_the_upload_limit_is_refused(coordinator_client, settings):
    settings.MAX_UPLOAD_BYTES = 1_000
    response = coordinator_client.post(UPLOAD, form_data(b"x" * 5_000, "stor.csv"))
    assertContains(response, "den største fil, der modtages, er 0,0 MB")
    assert not ImportUpload.objects.exists()


def test_discarding_a_preview_writes_nothing(coordinator_client):
    coordinator_client.post(UPLOAD, form_data(xlsx([["Kommune", "Andel"], ["Odense", 4]])))
    upload = ImportUpload.objects.get()
    coordinator_client.post(upload.get_absolute_url(), {"discard": "1"})
    upload.refresh_from_db()
    assert upload.status == ImportUpload.Status.DISCARDED
    assert not GPAdoption.objects.exists()


def test_the_log_of_imports_lists_the_uploads(coordinator_client):
    coordinator_client.post(UPLOAD, form_data(xlsx([["Kommune", "Andel"], ["Odense", 4]])))
    response = coordinator_client.get(reverse("admin:imports_importupload_changelist"))
    assertContains(response, "medcom.xlsx")
    assertContains(response, "Indlæs: Lægers ibrugtagning pr. kommune (MedCom)")


def urls():
    return [
        reverse("admin:imports_importupload_changelist"),
        UPLOAD,
        reverse("admin:imports_importupload_example", args=["gp", "xlsx"]),
    ]


@pytest.mark.parametrize("persona", ["viewer_client", "odense_client", "client"])
def test_project_managers_viewers_and_anonymous_get_no_access(request, persona):
    client = request.getfixturevalue(persona)
    for url in urls():
        response = client.get(url)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
    response = client.post(UPLOAD, form_data(xlsx([["Kommune", "Andel"], ["Odense", 4]])))
    assert response.status_code == 302
    assert not ImportUpload.objects.exists()


def test_staff_without_the_coordinator_role_gets_403(client):
    staff_viewer = make_user("staff-laeser", Role.VIEWER)
    staff_viewer.is_staff = True
    staff_viewer.save()
    client.force_login(staff_viewer)
    for url in urls():
        assert client.get(url).status_code == 403
    upload = ImportUpload.objects.create(
        kind="gp", filename="x.xlsx", size=1, sha256="0" * 64, content=b"", status="ready"
    )
    response = client.post(upload.get_absolute_url(), {"sha256": "0" * 64})
    assert response.status_code == 403
