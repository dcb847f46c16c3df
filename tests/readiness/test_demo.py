import pytest
from django.core.management import call_command

from readiness.models import Response
from readiness.selectors import readiness_for_planning

pytestmark = pytest.mark.django_db


def test_seed_demo_answers_all_98_varied_and_labelled(settings):
    settings.DEBUG = True
    call_command("seed_demo", quiet_logins=True)
    first = list(Response.objects.order_by("municipality").values_list("municipality", "score"))
    call_command("seed_demo", quiet_logins=True)
    assert (
        list(Response.objects.order_by("municipality").values_list("municipality", "score"))
        == first
    )
    assert not Response.objects.filter(is_demo=False).exists()
    readiness = readiness_for_planning()
    statuses = [r.status for r in readiness.values()]
    assert 3 <= statuses.count("not_started") <= 12
    assert 6 <= statuses.count("draft") <= 25
    assert statuses.count("submitted") + statuses.count("revised") >= 60
    scores = [r.score for r in readiness.values() if r.score is not None]
    assert min(scores) < 40 and max(scores) == 100
    wishes = [r.wish_wave for r in readiness.values()]
    assert {1, 2, 3, None} <= set(wishes)
    # The demo project managers' municipalities are ready to try out.
    assert readiness[461].status == "not_started"
    assert readiness[825].status == "draft"
    assert Response.objects.get(municipality_id=751).review_status == "clarification"


def test_no_demo_answers_without_seed_demo():
    assert not Response.objects.exists()
