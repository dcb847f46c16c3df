import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from municipalities.roles import Role, role_of

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_log_in(client):
    url = reverse("municipalities:detail", args=[461])
    response = client.get(url)
    assertRedirects(response, f"{reverse('login')}?next={url}")


def test_project_manager_opens_own_municipality(odense_client):
    response = odense_client.get(reverse("municipalities:detail", args=[461]))
    assertContains(response, "Odense Kommune")


def test_project_manager_cannot_open_other_municipality(odense_client):
    response = odense_client.get(reverse("municipalities:detail", args=[751]))
    assert response.status_code == 404


def test_project_manager_lists_only_own_municipality(odense_client):
    response = odense_client.get(reverse("municipalities:list"))
    assert [m.code for m in response.context["municipalities"]] == [461]


def test_project_manager_home_goes_to_own_municipality(odense_client):
    assertRedirects(
        odense_client.get(reverse("home")), reverse("municipalities:detail", args=[461])
    )


def test_project_manager_for_two_municipalities_chooses(client, db):
    from tests.conftest import make_user

    client.force_login(make_user("pl-oerne", Role.PROJECT_MANAGER, [482, 492]))
    response = client.get(reverse("home"))
    assertContains(response, "Langeland Kommune")
    assertContains(response, "Ærø Kommune")


def test_project_manager_has_no_admin(odense_client):
    response = odense_client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_viewer_sees_every_municipality(viewer_client):
    response = viewer_client.get(reverse("municipalities:detail", args=[751]))
    assert response.status_code == 200


def test_viewer_has_no_admin_and_cannot_change_anything(viewer_client, viewer):
    response = viewer_client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert not any(
        perm.split(".")[1].startswith(("add_", "change_", "delete_"))
        for perm in viewer.get_all_permissions()
    )


def test_coordinator_opens_admin(coordinator_client):
    assert coordinator_client.get(reverse("admin:index")).status_code == 200


def test_coordinator_can_change_municipalities_and_users(coordinator):
    assert coordinator.has_perm("municipalities.change_membership")
    assert coordinator.has_perm("auth.change_user")
    assert not coordinator.has_perm("auth.delete_group")


def test_user_without_role_is_told_so(client, db):
    user = get_user_model().objects.create_user("nobody", password="x")
    client.force_login(user)
    response = client.get(reverse("home"))
    assertContains(response, "ingen rolle", status_code=403)


def test_role_of_anonymous_is_none():
    from django.contrib.auth.models import AnonymousUser

    assert role_of(AnonymousUser()) is None


def test_header_shows_role_and_municipality(odense_client):
    response = odense_client.get(reverse("municipalities:detail", args=[461]))
    assertContains(response, "Projektleder")
    assertContains(response, "Odense")
