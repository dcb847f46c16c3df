import pytest
from django.core import mail
from django.urls import reverse
from pytest_django.asserts import assertContains

pytestmark = pytest.mark.django_db


def test_login_page_is_danish_by_default(client):
    assertContains(client.get(reverse("login")), "Log ind")


def test_english_can_be_chosen(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/konto/login/"})
    assert response.status_code == 302
    assertContains(client.get(reverse("login")), "Log in")


def test_footer_carries_the_data_attribution(client):
    assertContains(client.get(reverse("login")), "Klimadatastyrelsen")
    assertContains(client.get(reverse("about")), "CC BY 4.0")


def test_password_reset_sends_an_email(client, pm_odense):
    response = client.post(reverse("password_reset"), {"email": pm_odense.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/konto/reset/" in mail.outbox[0].body


def test_password_change(odense_client, pm_odense):
    response = odense_client.post(
        reverse("password_change"),
        {
            "old_password": "demo",
            "new_password1": "Medicinkort-2014!",
            "new_password2": "Medicinkort-2014!",
        },
    )
    assert response.status_code == 302
    pm_odense.refresh_from_db()
    assert pm_odense.check_password("Medicinkort-2014!")


def test_logout_is_a_post(odense_client):
    response = odense_client.post(reverse("logout"))
    assert response.status_code == 302
    assert odense_client.get(reverse("home")).status_code == 302


def test_an_english_browser_still_gets_danish(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assertContains(response, "Log ind")
