"""Many project managers submitting at the same moment (PostgreSQL).

Each submit runs in its own thread with its own database connection, all
released together by a barrier, so the row locks really are contended.
"""

import threading

import pytest
from django.db import connection, connections

from municipalities.models import Municipality
from municipalities.roles import Role
from readiness.models import Response, Revision
from readiness.services import EditConflict
from tests.conftest import make_user
from waves import planning
from waves.models import PlanRun

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the in-memory SQLite test database is not shared between threads; "
        "row locks are proven on PostgreSQL",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("reference_data"),
]


def submit_all_at_once(submit, jobs):
    """Run `submit(municipality, user)` for every (municipality, user) at
    the same moment; return {user: revision or the exception raised}."""
    barrier = threading.Barrier(len(jobs))
    outcomes = {}

    def one(municipality, user):
        try:
            barrier.wait(30)
            outcomes[user] = submit(municipality, user)
        except Exception as error:  # noqa: BLE001 - the test looks at each outcome
            outcomes[user] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def test_one_municipality_submitted_by_many_at_once_keeps_one_and_tells_the_rest(submit):
    odense = Municipality.objects.get(code=461)
    users = [make_user(f"pl-461-{n}", Role.PROJECT_MANAGER, [461]) for n in range(12)]

    outcomes = submit_all_at_once(submit, [(odense, user) for user in users])

    saved = [o for o in outcomes.values() if isinstance(o, Revision)]
    conflicts = [o for o in outcomes.values() if isinstance(o, EditConflict)]
    assert len(saved) == 1, outcomes
    assert len(conflicts) == 11, outcomes
    # Each of the others is told who saved first (what the conflict page shows).
    assert {conflict.saved_by for conflict in conflicts} == {saved[0].created_by}
    assert Revision.objects.filter(response__municipality=odense).count() == 1


def test_many_municipalities_submitting_at_once_all_save_and_one_recomputation_follows(
    submit, monkeypatch
):
    municipalities = list(Municipality.objects.order_by("code")[:24])
    jobs = [(m, make_user(f"pl-{m.code}", Role.PROJECT_MANAGER, [m.code])) for m in municipalities]

    outcomes = submit_all_at_once(submit, jobs)

    assert all(isinstance(o, Revision) for o in outcomes.values()), outcomes
    assert Response.objects.filter(submitted_revision__isnull=False).count() == 24
    assert Revision.objects.count() == 24
    # The scheduled check then queues one recomputation for all of them
    # (left queued here: the solve itself is tested in tests/waves).
    monkeypatch.setattr(planning.runs, "_dispatch", lambda run, countdown=None: None)
    first = planning.recompute_if_inputs_changed()
    again = planning.recompute_if_inputs_changed()
    assert first is not None and again == first
    assert PlanRun.objects.count() == 1
