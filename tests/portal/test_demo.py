import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory

from municipalities.roles import Role, role_of

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refuses to run with DEBUG off"):
        call_command("seed_demo")


def test_seed_demo_creates_every_role_with_password_demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", quiet_logins=True)
    call_command("seed_demo", quiet_logins=True)  # twice: same result
    expected = {
        "koordinator": Role.COORDINATOR,
        "laeser": Role.VIEWER,
        "pl-101": Role.PROJECT_MANAGER,
        "pl-751": Role.PROJECT_MANAGER,
        "pl-461": Role.PROJECT_MANAGER,
        "pl-851": Role.PROJECT_MANAGER,
        "pl-825": Role.PROJECT_MANAGER,
    }
    # As the login form does: with the request, which the lockout needs.
    request = RequestFactory().post("/konto/login/")
    for username, role in expected.items():
        user = authenticate(request, username=username, password="demo")
        assert user is not None, username
        assert role_of(user) == role
    pm = authenticate(request, username="pl-825", password="demo")
    assert list(
        pm.municipality_memberships.values_list("municipality__short_name", flat=True)
    ) == ["Læsø"]
