import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from governance import services
from governance.models import Forum, Wish

from .factories import DecisionFactory, MeetingFactory, MembershipFactory, days_ago, forum

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", ["party", "forum", "person", "forummembership", "meeting", "decision", "wish"]
)
def test_changelists_open_for_coordinators(coordinator_client, model):
    MembershipFactory()
    DecisionFactory()
    response = coordinator_client.get(reverse(f"admin:governance_{model}_changelist"))
    assert response.status_code == 200


def test_viewers_have_no_admin(viewer_client):
    response = viewer_client.get(reverse("admin:governance_wish_changelist"))
    assert response.status_code == 302


def test_shipped_fora_are_read_only_but_take_members(coordinator_client):
    cab = Forum.objects.get(slug="cab")
    response = coordinator_client.get(reverse("admin:governance_forum_change", args=[cab.pk]))
    assertNotContains(response, 'name="mandate_da"')
    assertContains(response, 'name="memberships-TOTAL_FORMS"')
    assert coordinator_client.get(reverse("admin:governance_forum_add")).status_code == 403


def test_a_wish_added_in_the_admin_is_raised_through_the_flow(coordinator_client, coordinator):
    response = coordinator_client.post(
        reverse("admin:governance_wish_add"),
        {
            "title": "Ny rapport",
            "description": "Oppetid pr. måned.",
            "origin_forum": forum("driftsgruppen").pk,
            "transitions-TOTAL_FORMS": 0,
            "transitions-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    wish = Wish.objects.get()
    assert wish.status == "raised"
    step = wish.transitions.get()
    assert (step.name, step.recorded_by) == ("raise", coordinator)


def test_the_status_cannot_be_edited_in_the_admin(coordinator_client, coordinator):
    wish = services.raise_wish(
        title="x", description="y", origin_forum=forum("driftsgruppen"), by=coordinator
    )
    url = reverse("admin:governance_wish_change", args=[wish.pk])
    response = coordinator_client.get(url)
    assertNotContains(response, 'name="status"')
    assertContains(response, reverse("admin:governance_wish_transition", args=[wish.pk]))
    coordinator_client.post(
        url,
        {
            "title": "x",
            "description": "y",
            "priority": "",
            "status": "delivered",
            "transitions-TOTAL_FORMS": 1,
            "transitions-INITIAL_FORMS": 1,
        },
    )
    wish.refresh_from_db()
    assert wish.status == "raised"


def test_the_admin_records_a_step_through_the_flow(coordinator_client, coordinator):
    meeting = MeetingFactory(forum=forum("driftsgruppen"), starts_at=days_ago(2))
    wish = services.raise_wish(
        title="x", description="y", origin_forum=forum("driftsgruppen"), by=coordinator
    )
    url = reverse("admin:governance_wish_transition", args=[wish.pk])
    elsewhere = MeetingFactory(forum=forum("kliniske-brugergrupper"), starts_at=days_ago(2))
    refused = coordinator_client.post(
        url, {"transition": "qualify", "meeting": elsewhere.pk, "reason": "Forkert møde."}
    )
    assertContains(refused, "besluttes af den brugergruppe eller driftsgruppe")
    assert wish.transitions.count() == 1
    response = coordinator_client.post(
        url, {"transition": "qualify", "meeting": meeting.pk, "reason": "Klar til behandling."}
    )
    assert response.status_code == 302
    wish.refresh_from_db()
    assert wish.status == "qualified"
    assert wish.transitions.last().reason == "Klar til behandling."
