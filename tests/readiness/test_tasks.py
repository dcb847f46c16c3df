"""The readiness tasks, eagerly and (marked broker) through a real worker."""

import pytest

from municipalities.models import Municipality
from readiness.models import Response
from readiness.tasks import recompute_scores

pytestmark = pytest.mark.django_db


def test_recompute_task_returns_a_small_summary(questionnaire, submit, coordinator):
    submit(Municipality.objects.get(code=461), coordinator, eoj_budget="no")
    Response.objects.update(score=1)
    result = recompute_scores.delay(questionnaire.active_weight_set().pk).get()
    assert result == {"weight_set": 1, "scores": 1}
    assert Response.objects.get().score == 70.0


@pytest.fixture
def worker(transactional_db):
    """A Celery worker in a thread of this process, on the configured broker.

    It uses this process's (test) database, so it sees what the test wrote.
    """
    from celery.contrib.testing.worker import start_worker
    from django.core.management import call_command

    from fmkrollout.celery import app

    call_command("load_reference", verbosity=0)
    with start_worker(app, perform_ping_check=False, shutdown_timeout=10):
        yield


@pytest.mark.broker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_recompute_task_runs_on_the_worker(worker):
    from readiness.models import Questionnaire

    weight_set = Questionnaire.objects.current().active_weight_set()
    result = recompute_scores.delay(weight_set.pk).get(timeout=30)
    assert result == {"weight_set": 1, "scores": 0}
