"""The task broker down: the portal keeps working, the coordinator is told
that the recomputation waits, and the run is sent once the broker is back.

The broker here really is unreachable (nothing listens on port 1), so the
failure is the one kombu raises in production, not a stand-in.
"""

from datetime import timedelta

import pytest
from django.test import Client
from pytest_django.asserts import assertContains

from waves import planning
from waves.models import PlanRun, WavePlan

pytestmark = pytest.mark.django_db

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


def _forget_connections(app):
    # Celery pools its broker connections and producers per app; a new URL
    # only takes effect on fresh pools.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down(monkeypatch):
    from fmkrollout.celery import app

    # Celery reads CELERY_BROKER_URL from the environment before its own
    # settings (CI's second run sets it), so the variable goes too.
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    previous = {"broker_url": app.conf.broker_url, "task_always_eager": app.conf.task_always_eager}
    app.conf.update(broker_url=UNREACHABLE_BROKER, task_always_eager=False)
    _forget_connections(app)

    def back():
        app.conf.update(**previous)
        _forget_connections(app)

    yield back
    back()


def test_recompute_with_the_broker_down_waits_and_is_sent_when_it_is_back(
    draft, coordinator, broker_down
):
    client = Client(raise_request_exception=False)
    client.force_login(coordinator)

    response = client.post(f"/admin/waves/waveplan/{draft.pk}/genberegn/", follow=True)

    assert response.status_code == 200
    assertContains(response, "Opgavekøen kan ikke nås lige nu")
    run = PlanRun.objects.get(status=PlanRun.Status.QUEUED)
    # Later changes join the waiting run instead of piling up runs.
    again = planning.request_recomputation(origin=WavePlan.Origin.INPUTS_CHANGED)
    assert again == run
    assert PlanRun.objects.filter(status=PlanRun.Status.QUEUED).count() == 1
    # While the broker is down, sending again fails quietly: still queued.
    assert planning.resend_waiting_runs(older_than=timedelta(0)) == 0
    run.refresh_from_db()
    assert run.status == PlanRun.Status.QUEUED

    broker_down()  # the broker is back (tasks run in-process here)
    assert planning.resend_waiting_runs(older_than=timedelta(0)) == 1
    run.refresh_from_db()
    assert run.status in (PlanRun.Status.SUCCEEDED, PlanRun.Status.UNCHANGED), run.message


def test_the_portal_pages_work_while_the_broker_is_down(draft, coordinator, broker_down):
    client = Client(raise_request_exception=False)
    client.force_login(coordinator)
    for path in ("/", "/boelger/", f"/admin/waves/assignment/?plan={draft.pk}"):
        assert client.get(path).status_code == 200, path
    # /healthz names the broker: tests/portal/test_health.py.
