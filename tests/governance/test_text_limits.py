"""Free text that users type has a limit, shown on the form and kept by
the model whatever the path."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pytest_django.asserts import assertContains

from governance import services
from governance.models import Decision, Wish, WishTransition
from tests.governance.factories import MeetingFactory, days_ago, forum

pytestmark = pytest.mark.django_db

MEGABYTE = "x" * 1_048_576


def test_a_megabyte_wish_description_is_refused_with_the_limit(coordinator_client):
    response = coordinator_client.post(
        reverse("governance:wish-create"),
        {
            "title": "Ny visning",
            "description": MEGABYTE,
            "origin_forum": forum("kliniske-brugergrupper").pk,
        },
    )
    assert response.status_code in (200, 400)
    assert response.context["form"].errors["description"]
    assertContains(response, "højst have 10000 tegn", status_code=response.status_code)
    assert not Wish.objects.exists()


def test_the_wish_form_shows_the_limit(coordinator_client):
    response = coordinator_client.get(reverse("governance:wish-create"))
    assertContains(response, "Højst 10.000 tegn.")
    assertContains(response, 'maxlength="10000"')


def test_a_megabyte_transition_reason_is_refused_and_nothing_changes(
    coordinator_client, coordinator
):
    meeting = MeetingFactory(forum=forum("driftsgruppen"), starts_at=days_ago(3))
    wish = services.raise_wish(
        title="Oppetid", description="…", origin_forum=forum("driftsgruppen"), by=coordinator
    )
    url = reverse("governance:wish-transition", args=[wish.pk])
    assertContains(coordinator_client.get(wish.get_absolute_url()), "Højst 2.000 tegn.")
    response = coordinator_client.post(
        url, {"transition": "qualify", "meeting": meeting.pk, "reason": MEGABYTE}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    wish.refresh_from_db()
    assert wish.status == "raised" and wish.transitions.count() == 1


def test_the_service_refuses_an_over_long_reason_from_any_path(coordinator):
    meeting = MeetingFactory(forum=forum("driftsgruppen"), starts_at=days_ago(3))
    wish = services.raise_wish(
        title="Oppetid", description="…", origin_forum=forum("driftsgruppen"), by=coordinator
    )
    with pytest.raises(ValidationError) as caught:
        services.apply_transition(
            wish=wish, name="qualify", by=coordinator, meeting=meeting, reason="y" * 2_001
        )
    assert "reason" in caught.value.message_dict
    wish.refresh_from_db()
    assert wish.status == "raised"
    assert WishTransition.objects.filter(wish=wish).count() == 1
    assert not Decision.objects.exists()


def test_the_service_refuses_an_over_long_description(coordinator):
    with pytest.raises(ValidationError) as caught:
        services.raise_wish(
            title="Oppetid",
            description="y" * 10_001,
            origin_forum=forum("driftsgruppen"),
            by=coordinator,
        )
    assert "description" in caught.value.message_dict
    assert not Wish.objects.exists()
