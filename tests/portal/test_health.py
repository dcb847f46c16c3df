import pytest
from django.db import connection
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthy_portal_answers_200(client, settings):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] is True
    if settings.CELERY_TASK_ALWAYS_EAGER:
        assert "broker" not in body["checks"]
    else:
        assert body["checks"]["broker"] is True


def test_database_down_answers_503(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["checks"]["database"] is False


def test_unreachable_broker_answers_503(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # Nothing listens on port 1: the broker "is down".
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": True, "broker": False}
