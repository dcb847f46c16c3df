"""Alerts carry the design system's icon, hidden from screen readers: the
text says what the alert is about, the icon only repeats it."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.fallback import FallbackStorage
from django.shortcuts import render
from django.test import RequestFactory
from pytest_django.asserts import assertContains

pytestmark = pytest.mark.django_db

ICON = re.compile(r'<svg class="icon-svg alert-icon"[^>]* aria-hidden="true" focusable="false">')
ALERT_TAG = re.compile(r'<div class="alert alert-[^>]*>')


def _template_files():
    roots = [Path(settings.BASE_DIR) / "templates"]
    roots += sorted(Path(settings.BASE_DIR).glob("*/templates"))
    for root in roots:
        yield from sorted(root.rglob("*.html"))


def test_every_alert_box_in_the_templates_has_its_icon():
    missing = []
    for path in _template_files():
        text = path.read_text()
        for match in ALERT_TAG.finditer(text):
            following = text[match.end() :].lstrip()
            if not following.startswith('{% include "_partials/alert_icon.html"'):
                missing.append(f"{path.relative_to(settings.BASE_DIR)}: {match.group()[:60]}")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize(
    ("level", "kind"),
    [
        (constants.SUCCESS, "success"),
        (constants.WARNING, "warning"),
        (constants.ERROR, "error"),
        (constants.INFO, "info"),
    ],
)
def test_a_message_shows_its_icon_hidden_from_screen_readers(coordinator, level, kind):
    request = RequestFactory().get("/")
    request.user = coordinator
    request.session = {}
    storage = FallbackStorage(request)
    storage.add(level, "Gemt.")
    request._messages = storage

    html = render(request, "about.html").content.decode()

    alert = html[html.index(f'class="alert alert-{kind}"') :]
    assert ICON.search(alert[: alert.index("Gemt.")])


def test_an_alert_box_in_a_page_shows_its_icon(client):
    response = client.get("/konto/login/?next=/parathed/")
    assertContains(response, "Log ind for at se den side.")
    assert ICON.search(response.content.decode())
