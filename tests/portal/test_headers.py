"""Security headers: a Content-Security-Policy that needs no inline script
or style, and a Permissions-Policy, on the portal's pages and the admin's."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

BASE_DIR = Path(settings.BASE_DIR)


def directives(response):
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.mark.parametrize("url", ["/konto/login/", "/om/", "/healthz"])
def test_public_pages_carry_a_strict_content_security_policy(client, db, url):
    policy = directives(client.get(url))
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in str(policy) and "'unsafe-eval'" not in str(policy)


def test_the_admin_and_signed_in_pages_carry_it_too(coordinator_client):
    for url in [reverse("home"), reverse("admin:index"), reverse("governance:wish-create")]:
        response = coordinator_client.get(url)
        assert response.status_code == 200
        assert directives(response)["script-src"] == ["'self'"]


def test_pages_switch_off_browser_features_they_never_use(client, db):
    header = client.get("/konto/login/")["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in header


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def template_files():
    folders = [BASE_DIR / "templates", *BASE_DIR.glob("*/templates")]
    return sorted(
        path
        for folder in folders
        if ".venv" not in folder.parts and "node_modules" not in folder.parts
        for path in folder.rglob("*.html")
    )


def test_no_template_needs_unsafe_inline():
    offending = [
        str(path.relative_to(BASE_DIR))
        for path in template_files()
        if INLINE_SCRIPT.search(text := path.read_text(encoding="utf-8"))
        or INLINE_STYLE.search(text)
    ]
    assert template_files() and offending == []
