"""Shipped names in the reader's language: waves, the 2013 draft, the role
groups and the portal's schedules (English pages showed them in Danish)."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from waves.models import Wave, WavePlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_waves_are_named_in_the_readers_language():
    wave = Wave.objects.get(number=1)
    assert str(wave) == "Bølge 1 (2. kvartal 2014)"
    with translation.override("en"):
        assert str(wave) == "Wave 1 (Q2 2014)"


def test_the_2013_draft_is_named_in_english_on_english_pages(english, viewer):
    english.force_login(viewer)
    plan = WavePlan.objects.historical().get()
    response = english.get(plan.get_absolute_url())
    assertContains(response, "<h1>Draft wave plan, 2 December 2013</h1>", html=True)
    assertContains(response, "Wave 1 (Q2 2014)")
    assertNotContains(response, "Bølge 1")


def test_the_source_of_the_2013_draft_is_marked_as_danish(english, viewer):
    english.force_login(viewer)
    response = english.get(WavePlan.objects.historical().get().get_absolute_url())
    assertContains(response, '<cite lang="da">KL/MedCom: Overordnet plan')


def test_admin_names_the_role_groups_in_english(english, coordinator):
    english.force_login(coordinator)
    response = english.get("/admin/auth/group/")
    assertContains(response, "Coordinators")
    assertNotContains(response, "Koordinatorer")
    users = english.get("/admin/auth/user/")
    assertContains(users, "Coordinators")
    assertNotContains(users, "Koordinatorer")
    assert Group.objects.filter(name="Koordinatorer").exists()  # the stored key stays


def test_admin_names_the_shipped_schedules_in_english(english, coordinator):
    english.force_login(coordinator)
    response = english.get("/admin/django_celery_beat/periodictask/")
    assertContains(response, "Readiness: questionnaire reminders")
    assertContains(response, "Wave plan: nightly recomputation")


def test_password_help_follows_the_readers_language(english, coordinator):
    english.force_login(coordinator)
    response = english.get(f"/admin/auth/user/{coordinator.pk}/password/")
    assertContains(response, "Whether the user will be able to authenticate")
    assertNotContains(response, "Om brugeren kan logge ind")
