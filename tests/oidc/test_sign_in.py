"""Sign-in with the organisation: matching, roles, and the switch.

The flow tests go through the real test provider (tests/oidc/provider.mjs)
with `requests` standing in for the browser on the provider's side and the
Django test client on the portal's.
"""

import os
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from municipalities.roles import role_of, waiting_for_access
from oidc import services
from oidc.models import Identity
from tests.conftest import make_user

from .provider import PERSON

BUTTON = "Log ind med din organisation"
ISSUER = "https://login.example.invalid"


def sign_in_through_provider(client, person=PERSON):
    """The whole code flow: portal → provider's login form → portal."""
    start = client.get(reverse("oidc:login"))
    assert start.status_code == 302
    browser = requests.Session()
    page = browser.get(start["Location"], timeout=5)
    interaction = page.url
    answer = browser.post(
        interaction,
        data={"prompt": "login", "login": person, "password": "any"},
        allow_redirects=False,
        timeout=5,
    )
    location = answer.headers["Location"]
    # Follow the provider's own redirects until it sends us to the portal.
    while not location.startswith("http://testserver/"):
        answer = browser.get(location, allow_redirects=False, timeout=5)
        location = answer.headers["Location"]
    callback = urlsplit(location)
    return client.get(callback.path, parse_qs(callback.query))


@pytest.mark.django_db
def test_first_sign_in_creates_a_user_without_role(client, oidc_on):
    response = sign_in_through_provider(client)
    assertRedirects(response, reverse("home"), fetch_redirect_response=False)
    user = get_user_model().objects.get(oidc_identities__subject=PERSON)
    assert (user.first_name, user.last_name) == ("Anna", "Jensen")
    assert user.email == "anna.jensen@odense.example.invalid"
    assert not user.has_usable_password()
    assert role_of(user) is None
    home = client.get(reverse("home"))
    assertContains(home, "Din adgang venter på en koordinator", status_code=403)


@pytest.mark.django_db
def test_second_sign_in_finds_the_same_user(client, oidc_on):
    sign_in_through_provider(client)
    client.logout()
    sign_in_through_provider(client)
    assert get_user_model().objects.filter(oidc_identities__subject=PERSON).count() == 1
    assert Identity.objects.count() == 1


@pytest.mark.django_db
def test_role_claims_from_the_provider_are_ignored(client, oidc_on):
    # The test provider sends groups ["Koordinatorer"] and roles ["coordinator"].
    sign_in_through_provider(client)
    user = get_user_model().objects.get(oidc_identities__subject=PERSON)
    assert not user.groups.exists()
    assert not user.is_staff and not user.is_superuser
    assert client.get(reverse("readiness:overview")).status_code == 403


@pytest.mark.django_db
def test_sign_in_starts_with_pkce_at_the_discovered_endpoint(client, oidc_on):
    response = client.get(reverse("oidc:login"))
    target = urlsplit(response["Location"])
    query = parse_qs(target.query)
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{oidc_on}/auth"
    assert query["client_id"] == ["fmk-portal"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == ["http://testserver/konto/oidc/callback/"]


@pytest.mark.django_db
def test_unreachable_provider_is_a_message_not_an_error(client, oidc_unreachable):
    response = client.get(reverse("oidc:login"), follow=True)
    assertContains(response, "Log ind med din organisation lykkedes ikke")
    assert response.redirect_chain[-1][0] == reverse("login")


@pytest.mark.django_db
def test_password_login_still_works_with_oidc_on(client, oidc_unreachable, pm_odense):
    response = client.post(reverse("login"), {"username": "pl-461", "password": "demo"})
    assertRedirects(response, reverse("home"), fetch_redirect_response=False)


@pytest.mark.django_db
def test_login_page_offers_the_organisation_when_configured(client, oidc_on):
    assertContains(client.get(reverse("login")), BUTTON)


@pytest.mark.django_db
def test_without_settings_no_oidc_urls_and_no_button(client):
    with pytest.raises(NoReverseMatch):
        reverse("oidc:login")
    assert client.get("/konto/oidc/login/").status_code == 404
    assert client.get("/konto/oidc/callback/").status_code == 404
    assertNotContains(client.get(reverse("login")), BUTTON)
    assertNotContains(client.get(reverse("login")), "oidc")


# The matching rule itself, with claims as a provider would send them.


def claims(sub="abc-123", **extra):
    return {"sub": sub, "email": "anna@odense.example.invalid", "email_verified": True, **extra}


@pytest.mark.django_db
def test_the_subject_finds_the_user_even_with_a_new_email():
    first = services.sign_in(issuer=ISSUER, claims=claims())
    again = services.sign_in(issuer=ISSUER, claims=claims(email="anna.j@ny.example.invalid"))
    assert again == first
    assert get_user_model().objects.count() == 1


@pytest.mark.django_db
def test_the_same_subject_at_another_provider_is_another_person():
    first = services.sign_in(issuer=ISSUER, claims=claims())
    other = services.sign_in(issuer="https://other.example.invalid", claims=claims())
    assert other != first


@pytest.mark.django_db
def test_email_does_not_match_unless_allowed(pm_odense):
    pm_odense.email = "anna@odense.example.invalid"
    pm_odense.save()
    user = services.sign_in(issuer=ISSUER, claims=claims())
    assert user != pm_odense
    assert role_of(user) is None


@pytest.mark.django_db
def test_verified_email_matches_when_allowed(pm_odense):
    pm_odense.email = "Anna@Odense.example.invalid"
    pm_odense.save()
    user = services.sign_in(issuer=ISSUER, claims=claims(), match_email=True)
    assert user == pm_odense
    assert Identity.objects.get().user == pm_odense
    # From then on the subject alone finds the account.
    assert services.sign_in(issuer=ISSUER, claims=claims(email="x@y.invalid")) == pm_odense


@pytest.mark.django_db
def test_unverified_email_never_matches(pm_odense):
    pm_odense.email = "anna@odense.example.invalid"
    pm_odense.save()
    user = services.sign_in(issuer=ISSUER, claims=claims(email_verified=False), match_email=True)
    assert user != pm_odense
    assert user.email == ""


@pytest.mark.django_db
def test_email_matching_two_accounts_links_neither(pm_odense, pm_aarhus):
    for user in (pm_odense, pm_aarhus):
        user.email = "anna@odense.example.invalid"
        user.save()
    user = services.sign_in(issuer=ISSUER, claims=claims(), match_email=True)
    assert user not in (pm_odense, pm_aarhus)


@pytest.mark.django_db
def test_a_superuser_is_never_matched_by_email():
    admin = get_user_model().objects.create_superuser("admin", "anna@odense.example.invalid", "x")
    assert services.sign_in(issuer=ISSUER, claims=claims(), match_email=True) != admin


@pytest.mark.django_db
def test_role_claims_are_not_read():
    user = services.sign_in(
        issuer=ISSUER, claims=claims(groups=["Koordinatorer"], roles=["coordinator"])
    )
    assert role_of(user) is None


@pytest.mark.django_db
def test_username_taken_gets_a_suffix(pm_odense):
    user = services.sign_in(issuer=ISSUER, claims=claims(preferred_username="pl-461"))
    assert user.username == "pl-461-2"


# Waiting for access.


@pytest.mark.django_db
def test_waiting_for_access_is_no_role_or_a_project_manager_without_municipality(
    coordinator, viewer, pm_odense
):
    from municipalities.roles import Role

    new = services.sign_in(issuer=ISSUER, claims=claims())
    unlinked = make_user("pl-uden", Role.PROJECT_MANAGER)
    waiting = waiting_for_access(get_user_model().objects)
    assert set(waiting) == {new, unlinked}


@pytest.mark.django_db
def test_coordinator_sees_who_is_waiting(coordinator_client):
    services.sign_in(issuer=ISSUER, claims=claims(given_name="Anna", family_name="Jensen"))
    home = coordinator_client.get(reverse("home"))
    assertContains(home, "1 bruger venter på adgang")
    users = coordinator_client.get(reverse("admin:auth_user_changelist"), {"access": "waiting"})
    assertContains(users, "Venter på adgang")
    assertContains(users, "Anna Jensen")
    assertNotContains(users, "koordinator@example.invalid")


@pytest.mark.django_db
def test_a_locked_out_address_is_refused_on_the_callback_too(client, oidc_on, settings):
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(
        username="someone",
        ip_address="127.0.0.1",
        user_agent="",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
    )
    response = sign_in_through_provider(client)
    assert response.status_code == 429
    assert not get_user_model().objects.filter(oidc_identities__subject=PERSON).exists()


@pytest.mark.django_db
def test_password_user_logs_out_to_the_login_page(odense_client, oidc_on):
    response = odense_client.post(reverse("logout"))
    assertRedirects(response, reverse("login"), fetch_redirect_response=False)
    assert "_auth_user_id" not in odense_client.session


@pytest.mark.django_db
def test_provider_user_logs_out_at_the_provider(client, oidc_on):
    sign_in_through_provider(client)
    response = client.post(reverse("logout"))
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{oidc_on}/session/end"
    query = parse_qs(target.query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/konto/login/"]
    assert "id_token_hint" in query
    assert "_auth_user_id" not in client.session


def test_the_providers_origin_may_receive_the_logout_form():
    """Chrome checks a form's redirects against form-action: without the
    provider there, logging out would stop at the portal's own page."""
    env = {
        **os.environ,
        "SECRET_KEY": "x",
        "OIDC_ISSUER": "https://login.example.invalid/realms/fmk",
        "OIDC_OP_LOGOUT_ENDPOINT": "https://logout.example.invalid/end",
    }
    script = (
        "from django.conf import settings;"
        "print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'])"
    )
    output = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        env={**env, "DJANGO_SETTINGS_MODULE": "fmkrollout.settings"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "https://login.example.invalid" in output
    assert "https://logout.example.invalid" in output
