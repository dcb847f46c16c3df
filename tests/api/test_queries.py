"""Every list answers in a fixed number of queries, however many rows.

Measured at two sizes: the real 98 municipalities, then with synthetic
ones added (in the published plan too, so the rollout follows them), and
with more meetings and decisions.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rollout import services as rollout_services
from tests.factories import synthetic_municipalities
from tests.governance.factories import DecisionFactory
from waves.models import Assignment, Wave

from .conftest import API, session_client

pytestmark = pytest.mark.django_db

EXTRA = 40


def list_paths(data):
    plan = data["published"].pk
    return [
        "/municipalities/",
        "/readiness/",
        "/rollout/",
        f"/wave-plans/{plan}/assignments/",
        "/wave-plans/",
        "/fora/",
        "/meetings/",
        "/decisions/",
    ]


def grow(data):
    extra = synthetic_municipalities(EXTRA)
    wave = Wave.objects.get(number=3)
    Assignment.objects.bulk_create(
        Assignment(plan=data["published"], municipality=m, wave=wave) for m in extra
    )
    # The rollout follows a plan it has not seen: make it look again.
    from rollout.models import RolloutState

    RolloutState.objects.update(synced_plan=None)
    rollout_services.sync_with_published_plan()
    for _ in range(EXTRA):
        DecisionFactory()


def count_queries(client, path):
    client.get(API + path, {"page_size": 200})  # warm up (role, sessions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(API + path, {"page_size": 200})
    assert response.status_code == 200, path
    return len(queries), response.json()["count"]


@pytest.mark.parametrize("persona", ["viewer", "pm_odense"])
def test_lists_take_the_same_queries_at_two_sizes(
    api_data, personas, persona, django_assert_num_queries
):
    client = session_client(personas[persona])
    small = {path: count_queries(client, path) for path in list_paths(api_data)}
    grow(api_data)
    for path, (queries, rows) in small.items():
        client.get(API + path, {"page_size": 200})
        with django_assert_num_queries(queries):
            response = client.get(API + path, {"page_size": 200})
        if persona == "viewer" and path != "/fora/" and path != "/wave-plans/":
            assert response.json()["count"] > rows, path
