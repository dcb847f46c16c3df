"""Password guessing is throttled per user name and per address, on the
portal's login, the admin's and the password reset form (django-axes)."""

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains

from municipalities.roles import Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

LIMIT = 3
HERE, THERE = "192.0.2.10", "198.51.100.20"


@pytest.fixture(autouse=True)
def _low_limit(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT


def log_in(client, username, password, *, address=HERE, url=None):
    return client.post(
        url or reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def is_logged_in(client):
    return "_auth_user_id" in client.session


def test_the_right_password_is_refused_after_too_many_wrong_ones(client, pm_odense):
    for _attempt in range(LIMIT - 1):
        assert log_in(client, "pl-461", "forkert").status_code == 200
    # The attempt that reaches the limit is already answered with the lockout.
    assert log_in(client, "pl-461", "forkert").status_code == 429
    response = log_in(client, "pl-461", "demo", address=THERE)
    assert response.status_code == 429
    assertContains(response, "For mange mislykkede login", status_code=429)
    assertContains(response, "15 minutter", status_code=429)
    assert not is_logged_in(client)


def test_one_address_guessing_many_users_is_locked_out(client, pm_odense, pm_aarhus):
    for attempt in range(LIMIT):
        log_in(client, f"gæt-{attempt}", "forkert")
    assert log_in(client, "pl-751", "demo").status_code == 429
    assert not is_logged_in(client)
    other = Client()
    assert log_in(other, "pl-751", "demo", address=THERE).status_code == 302
    assert is_logged_in(other)


def test_a_few_mistakes_do_not_lock_anyone_out(client, pm_odense):
    for _attempt in range(LIMIT - 1):
        log_in(client, "pl-461", "forkert")
    assert log_in(client, "pl-461", "demo").status_code == 302
    assert is_logged_in(client)


def test_the_admin_login_follows_the_same_rule(client, coordinator):
    url = reverse("admin:login")
    for _attempt in range(LIMIT - 1):
        assert log_in(client, "koordinator", "forkert", url=url).status_code == 200
    assert log_in(client, "koordinator", "forkert", url=url).status_code == 429
    response = log_in(client, "koordinator", "demo", url=url, address=THERE)
    assert response.status_code == 429
    assertContains(response, "For mange mislykkede login", status_code=429)
    assert not is_logged_in(client)


def test_the_password_reset_form_follows_the_same_rule(client, pm_odense):
    url = reverse("password_reset")
    for _attempt in range(LIMIT - 1):
        response = client.post(url, {"email": pm_odense.email}, REMOTE_ADDR=HERE)
        assert response.status_code == 302
    sent = len(mail.outbox)
    assert sent == LIMIT - 1
    response = client.post(url, {"email": pm_odense.email}, REMOTE_ADDR=HERE)
    assert response.status_code == 429
    assertContains(response, "For mange mislykkede login", status_code=429)
    assert len(mail.outbox) == sent


def test_a_coordinator_unlocks_a_locked_out_user(client, pm_odense, coordinator):
    for _attempt in range(LIMIT):
        log_in(client, "pl-461", "forkert")
    assert log_in(client, "pl-461", "demo").status_code == 429

    staff = Client()
    staff.force_login(coordinator)
    changelist = reverse("admin:axes_accessattempt_changelist")
    assertContains(staff.get(changelist), "pl-461")
    response = staff.post(
        changelist,
        {
            "action": "unlock",
            "_selected_action": list(AccessAttempt.objects.values_list("pk", flat=True)),
        },
        follow=True,
    )
    assertContains(response, "låst op")
    assert not AccessAttempt.objects.exists()
    assert log_in(client, "pl-461", "demo").status_code == 302


def test_viewers_cannot_see_or_lift_lockouts(viewer_client):
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert viewer_client.get(changelist).status_code == 302


def test_behind_the_proxy_the_client_address_is_the_one_the_proxy_added(
    client, settings, pm_odense
):
    settings.BEHIND_TLS_PROXY = True
    for attempt in range(LIMIT):
        client.post(
            reverse("login"),
            {"username": f"gæt-{attempt}", "password": "x"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}, {HERE}",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {HERE}
    other = Client()
    response = other.post(
        reverse("login"),
        {"username": "pl-461", "password": "demo"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=THERE,
    )
    assert response.status_code == 302


def test_project_managers_are_not_shown_the_lockouts(client, db):
    client.force_login(make_user("pl-999", Role.PROJECT_MANAGER))
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 302
