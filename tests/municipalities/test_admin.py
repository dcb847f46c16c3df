import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from pytest_django.asserts import assertContains

from municipalities.models import Membership
from municipalities.roles import Role
from tests.conftest import make_user
from tests.factories import synthetic_municipalities

pytestmark = pytest.mark.django_db


def test_municipality_changelist_lists_project_managers(coordinator_client, pm_odense):
    response = coordinator_client.get(reverse("admin:municipalities_municipality_changelist"))
    assertContains(response, "Odense")
    assertContains(response, "pl-461")


def test_municipality_changelist_query_count_does_not_grow(
    coordinator_client, django_assert_max_num_queries
):
    url = reverse("admin:municipalities_municipality_changelist") + "?all="
    make_user("pl-101", Role.PROJECT_MANAGER, [101])
    with django_assert_max_num_queries(14) as at_98:
        coordinator_client.get(url)
    synthetic_municipalities(1000)
    with django_assert_max_num_queries(len(at_98.captured_queries)):
        response = coordinator_client.get(url)
    assert response.status_code == 200


def test_user_changelist_query_count_does_not_grow(
    coordinator_client, django_assert_max_num_queries
):
    url = reverse("admin:auth_user_changelist")
    make_user("pl-101", Role.PROJECT_MANAGER, [101])
    with django_assert_max_num_queries(14) as few:
        coordinator_client.get(url)
    for code in [147, 151, 153, 155, 157, 159, 161, 163, 165, 167]:
        make_user(f"pl-{code}", Role.PROJECT_MANAGER, [code])
    with django_assert_max_num_queries(len(few.captured_queries)):
        coordinator_client.get(url)


def test_coordinator_links_a_user_to_a_municipality(coordinator_client):
    user = make_user("ny-pl", Role.PROJECT_MANAGER)
    response = coordinator_client.post(
        reverse("admin:municipalities_membership_add"),
        {"user": user.pk, "municipality": 825},
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=user, municipality_id=825).exists()


def test_coordinator_cannot_make_anyone_superuser(coordinator_client, coordinator):
    response = coordinator_client.get(reverse("admin:auth_user_change", args=[coordinator.pk]))
    assert response.status_code == 200
    assert 'name="is_superuser"' not in response.content.decode()


def test_municipalities_cannot_be_added_or_deleted_in_the_admin(coordinator_client):
    assert (
        coordinator_client.get(reverse("admin:municipalities_municipality_add")).status_code == 403
    )
    delete = reverse("admin:municipalities_municipality_delete", args=[461])
    assert coordinator_client.get(delete).status_code == 403
    assert get_user_model().objects.filter(username="koordinator").exists()


def test_coordinators_cannot_change_what_a_role_may_do(coordinator_client, coordinator):
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.get(name="Læsere")
    before = set(group.permissions.values_list("pk", flat=True))
    change_user = Permission.objects.get(codename="change_user")
    url = reverse("admin:auth_group_change", args=[group.pk])
    response = coordinator_client.post(
        url, {"name": "Læsere", "permissions": [*before, change_user.pk]}
    )
    assert response.status_code == 403
    assert set(group.permissions.values_list("pk", flat=True)) == before
    assert coordinator_client.get(reverse("admin:auth_group_add")).status_code == 403
    assert coordinator_client.get(url).status_code == 200  # read-only view
    assert not coordinator.has_perm("auth.change_group")
    assert not coordinator.has_perm("auth.change_permission")


def test_coordinators_cannot_take_over_a_superuser(coordinator_client):
    admin = get_user_model().objects.create_superuser("drift", "drift@example.invalid", "x")
    password = reverse("admin:auth_user_password_change", args=[admin.pk])
    response = coordinator_client.post(
        password, {"password1": "NytKodeord-2014!", "password2": "NytKodeord-2014!"}
    )
    assert response.status_code == 403
    admin.refresh_from_db()
    assert admin.check_password("x")
    change = reverse("admin:auth_user_change", args=[admin.pk])
    assert coordinator_client.post(change, {"username": "drift2"}).status_code == 403
    assert get_user_model().objects.filter(username="drift").exists()


def test_the_withdrawal_migration_takes_group_rights_back(coordinator):
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    from municipalities.roles import withdraw_role_permissions

    group = Group.objects.get(name="Koordinatorer")
    group.permissions.add(*Permission.objects.filter(codename__in=["change_group", "add_group"]))
    withdraw_role_permissions(apps)
    assert not group.permissions.filter(codename__in=["change_group", "add_group"]).exists()
    assert group.permissions.filter(codename="change_user").exists()
