"""The service basics of a Danish public website: an accessibility statement
and a privacy notice for everyone, and how to get access on the login page."""

import pytest
from django.conf import settings
from pytest_django.asserts import assertContains

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "heading"),
    [("/tilgaengelighed/", "Tilgængelighedserklæring"), ("/privatliv/", "Privatlivspolitik")],
)
def test_statements_are_open_to_everyone(client, path, heading):
    assertContains(client.get(path), f"<h1>{heading}</h1>", html=True)


def test_every_page_links_the_statements_from_the_footer(client, viewer_client):
    for response in (client.get("/konto/login/"), viewer_client.get("/")):
        assertContains(response, 'href="/tilgaengelighed/"')
        assertContains(response, 'href="/privatliv/"')


def test_login_page_says_how_to_get_access_and_whom_to_ask(client, settings):
    settings.PORTAL_CONTACT_EMAIL = "fmk-koordinatorer@example.dk"
    response = client.get("/konto/login/")
    assertContains(response, "Har du ikke en konto?")
    assertContains(response, 'href="mailto:fmk-koordinatorer@example.dk"')


def test_accessibility_statement_in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/tilgaengelighed/")
    assertContains(response, "<h1>Accessibility statement</h1>", html=True)
    assertContains(response, "Digitaliseringsstyrelsen")
