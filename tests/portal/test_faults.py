"""Faults a user must not feel as a crash: the database away for a moment,
the task broker down."""

import pytest
from django.db import OperationalError
from django.test import Client
from pytest_django.asserts import assertContains

pytestmark = pytest.mark.django_db


def test_a_database_that_is_away_gives_the_portals_own_503_page(coordinator, monkeypatch):
    from django.contrib.sessions.backends.db import SessionStore

    client = Client(raise_request_exception=False)
    client.force_login(coordinator)

    def away(self):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(SessionStore, "load", away)
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assertContains(response, "Portalen er ikke tilgængelig lige nu", status_code=503)
    assert b"Traceback" not in response.content
    # Back again: the next request works.
    monkeypatch.undo()
    assert client.get("/").status_code == 200


def test_an_unexpected_error_gives_the_portals_own_500_page(coordinator, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(coordinator)
    from fmkrollout import views

    def broken(*args, **kwargs):
        raise ZeroDivisionError

    monkeypatch.setattr(views, "render", broken)
    response = client.get("/om/")
    assert response.status_code == 500
    assertContains(response, "Der opstod en fejl", status_code=500)
