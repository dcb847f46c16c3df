"""Personal API tokens: made on the account page and shown once, stored as
a digest, used with `Authorization: Bearer`, revoked by their owner or by a
coordinator in the admin."""

import datetime
import hashlib

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from accounts import services
from accounts.models import APIToken

from .conftest import API

pytestmark = pytest.mark.django_db

ACCOUNT = "/konto/"


def make_token(client, name="Månedsrapport"):
    """Post the form and follow its redirect to the page showing the token."""
    response = client.post(reverse("accounts:token-create"), {"name": name}, follow=True)
    assert response.redirect_chain == [(ACCOUNT, 302)]
    return response, response.context["new_token"]["raw"]


def test_account_page_names_the_user_role_and_municipality(odense_client):
    response = odense_client.get(ACCOUNT)
    assertContains(response, "<h1>Min konto</h1>", html=True)
    assertContains(response, "Projektleder")
    assertContains(response, "Odense")
    assertContains(response, reverse("password_change"))


def test_header_links_the_account_page(odense_client):
    assertContains(odense_client.get("/", follow=True), f'href="{ACCOUNT}"')


def test_account_page_links_the_api_documentation(odense_client):
    assertContains(odense_client.get(ACCOUNT), f'href="{reverse("api:docs")}"')


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(ACCOUNT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_new_token_is_shown_once(odense_client):
    response, raw = make_token(odense_client)
    assertContains(response, raw)
    later = odense_client.get(ACCOUNT)
    assertNotContains(later, raw)
    assertContains(later, "Månedsrapport")
    assertContains(later, raw[:12])


def test_reloading_the_page_with_a_new_token_shows_no_secret_and_makes_none(
    odense_client,
):
    _response, raw = make_token(odense_client)
    reload = odense_client.get(ACCOUNT)
    assertNotContains(reload, raw)
    assertNotContains(reload, 'id="new-token"')
    assert APIToken.objects.count() == 1


def test_the_secret_leaves_the_session_when_shown(odense_client):
    _response, raw = make_token(odense_client)
    assert raw not in str(dict(odense_client.session))


def test_the_page_showing_a_new_token_is_not_cached(odense_client):
    response, _raw = make_token(odense_client)
    assert "no-store" in response["Cache-Control"]


def test_only_a_digest_of_the_token_is_stored(odense_client):
    _response, raw = make_token(odense_client)
    token = APIToken.objects.get()
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[:12] and raw.startswith("fmk_")
    stored = [str(value) for value in APIToken.objects.values_list().get()]
    assert raw not in stored


def test_a_token_without_a_name_is_refused(odense_client):
    response = odense_client.post(reverse("accounts:token-create"), {"name": ""})
    assert response.status_code == 400
    assert not APIToken.objects.exists()


def test_token_reads_the_api_and_records_its_use(odense_client, pm_odense):
    _response, raw = make_token(odense_client)
    response = Client().get(f"{API}/municipalities/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert APIToken.objects.get().last_used_at is not None
    assert Client().get(f"{API}/waves/", HTTP_AUTHORIZATION=f"Token {raw}").status_code == 200


def test_last_use_is_written_at_most_once_a_minute(pm_odense):
    token, _raw = services.create_token(user=pm_odense, name="skript")
    first = timezone.now()
    services.record_use(token, now=first)
    services.record_use(token, now=first + datetime.timedelta(seconds=30))
    token.refresh_from_db()
    assert token.last_used_at == first


@pytest.mark.parametrize(
    "header",
    ["Bearer fmk_forkert", "Bearer fmk_abcdefgh_ikke-den-rigtige", "Bearer", "Bearer a b"],
)
def test_a_wrong_token_is_refused_with_401(pm_odense, header):
    services.create_token(user=pm_odense, name="rigtig")
    response = Client().get(f"{API}/municipalities/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401


def test_a_token_with_the_right_prefix_but_wrong_secret_is_refused(pm_odense):
    _token, raw = services.create_token(user=pm_odense, name="rigtig")
    forged = raw[:12] + "x" * (len(raw) - 12)
    response = Client().get(f"{API}/municipalities/", HTTP_AUTHORIZATION=f"Bearer {forged}")
    assert response.status_code == 401


def test_owner_revokes_a_token(odense_client):
    _response, raw = make_token(odense_client)
    token = APIToken.objects.get()
    response = odense_client.post(reverse("accounts:token-revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    page = odense_client.get(ACCOUNT)
    assertContains(page, "Nøglen “Månedsrapport” er tilbagekaldt.")
    assertContains(page, "Du har ingen aktive API-nøgler.")
    response = Client().get(f"{API}/municipalities/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401


def test_nobody_revokes_another_users_token(odense_client, pm_aarhus):
    token, _raw = services.create_token(user=pm_aarhus, name="Aarhus")
    response = odense_client.post(reverse("accounts:token-revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_is_a_post(odense_client, pm_odense):
    token, _raw = services.create_token(user=pm_odense, name="skript")
    response = odense_client.get(reverse("accounts:token-revoke", args=[token.pk]))
    assert response.status_code == 405


def test_a_deactivated_users_token_stops_working(pm_odense):
    _token, raw = services.create_token(user=pm_odense, name="skript")
    pm_odense.is_active = False
    pm_odense.save()
    response = Client().get(f"{API}/municipalities/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401


def test_coordinator_sees_tokens_in_the_admin_without_any_secret(coordinator_client, pm_odense):
    token, raw = services.create_token(user=pm_odense, name="skript")
    changelist = coordinator_client.get(reverse("admin:accounts_apitoken_changelist"))
    assertContains(changelist, token.prefix)
    change = coordinator_client.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))
    assert change.status_code == 200
    for secret in (raw, token.digest):
        assertNotContains(change, secret)
        assertNotContains(changelist, secret)
    assert coordinator_client.get(reverse("admin:accounts_apitoken_add")).status_code == 403


def test_coordinator_revokes_tokens_in_the_admin(coordinator_client, coordinator, pm_odense):
    token, raw = services.create_token(user=pm_odense, name="skript")
    response = coordinator_client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == coordinator
    response = Client().get(f"{API}/municipalities/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401


def test_viewers_cannot_open_the_token_admin(client, viewer):
    client.force_login(viewer)
    response = client.get(reverse("admin:accounts_apitoken_changelist"))
    assert response.status_code == 302
