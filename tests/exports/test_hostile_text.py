"""Every workbook the portal exports, with hostile text in what users type.

Text that starts with a formula starter once its control characters are
gone must come out as plain text, and a control character in a user's
name must not reach the workbook's properties (docProps/core.xml), where it
makes the whole file unreadable. Each workbook is downloaded as a user
would and read back with openpyxl.
"""

import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from fmkrollout.spreadsheets import FORMULA_TRIGGERS
from readiness.models import Question
from tests.governance.factories import WishFactory
from waves.models import WavePlan
from waves.reference import DRAFT_2013_NAME

pytestmark = pytest.mark.django_db

HOSTILE = [
    '\x01=HYPERLINK("http://evil.invalid","klik")',
    "\x02+cmd|' /C calc'!A0",
    "\x1f-2+3",
    "\x7f@SUM(A1)",
    # Not NUL: PostgreSQL refuses it in text before any export could see it.
    "\x03\x0b=1+1",
    "\t=1+1",
    "\r=1+1",
]


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body


def read_back(body):
    """The workbook as openpyxl reads it, after checking that its
    properties part is well-formed XML without control characters."""
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert not any(ord(c) < 32 and c not in "\t\n\r" for c in core)
    return load_workbook(io.BytesIO(body))


def assert_no_live_text(workbook):
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    assert not cell.value.startswith(FORMULA_TRIGGERS), (
                        f"{sheet.title}!{cell.coordinate}: {cell.value!r}"
                    )
    return texts


@pytest.fixture
def hostile_coordinator(coordinator):
    coordinator.first_name = "Ka\x01ren"
    coordinator.last_name = "Hansen\x0b=1"
    coordinator.save()
    return coordinator


def test_the_plan_workbook_keeps_hostile_text_plain(client, hostile_coordinator):
    plan = WavePlan.objects.get(name=DRAFT_2013_NAME)
    plan.name = HOSTILE[0]
    plan.save(update_fields=["name"])
    assignments = list(plan.assignments.order_by("municipality_id")[: len(HOSTILE)])
    for assignment, text in zip(assignments, HOSTILE, strict=True):
        assignment.is_pinned = True
        assignment.pin_reason = text
        assignment.vendor_name = text
        assignment.save(update_fields=["is_pinned", "pin_reason", "vendor_name"])
    client.force_login(hostile_coordinator)

    workbook = read_back(download(client, reverse("waves:plan-export", args=[plan.pk])))

    texts = assert_no_live_text(workbook)
    assert '\'=HYPERLINK("http://evil.invalid","klik")' in texts
    assert "'+cmd|' /C calc'!A0" in texts
    assert "'-2+3" in texts
    assert "'@SUM(A1)" in texts
    assert "'\t=1+1" in texts
    assert workbook.properties.creator == "Karen Hansen=1"
    assert workbook.properties.lastModifiedBy == "Karen Hansen=1"


def test_the_readiness_workbook_keeps_hostile_text_plain(hostile_coordinator, client):
    Question.objects.filter(key=Question.objects.order_by("order").first().key).update(
        short_label=HOSTILE[1]
    )
    client.force_login(hostile_coordinator)

    workbook = read_back(download(client, reverse("readiness:overview") + "?export=xlsx"))

    assert "'+cmd|' /C calc'!A0" in assert_no_live_text(workbook)


def test_the_wish_workbook_keeps_hostile_text_plain(hostile_coordinator, client):
    for text in HOSTILE:
        WishFactory(title=text, description=text)
    client.force_login(hostile_coordinator)

    workbook = read_back(download(client, reverse("governance:wish-export")))

    texts = assert_no_live_text(workbook)
    assert '\'=HYPERLINK("http://evil.invalid","klik")' in texts
    assert "'@SUM(A1)" in texts
    assert "'\r=1+1" in texts or "'\n=1+1" in texts
