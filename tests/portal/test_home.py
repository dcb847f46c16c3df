import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from pytest_django.asserts import assertContains

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_coordinator_client(client, settings):
    """The demo data, and the demo coordinator logged in."""
    settings.DEBUG = True
    call_command("seed_demo", quiet_logins=True, stdout=io.StringIO())
    settings.DEBUG = False
    client.force_login(get_user_model().objects.get(username="koordinator"))
    return client


def test_staff_front_page_shows_where_the_rollout_stands(demo_coordinator_client):
    response = demo_coordinator_client.get(reverse("home"))
    assertContains(response, "Ikke påbegyndt")
    assertContains(response, "afventer gennemgang")
    assertContains(response, "Bølge 1")
    assertContains(response, "nabopar")


def test_staff_front_page_before_any_plan(viewer_client):
    response = viewer_client.get(reverse("home"))
    assertContains(response, "Der er endnu ikke offentliggjort en bølgeplan.")


def test_staff_front_page_query_count_is_fixed(
    demo_coordinator_client, django_assert_max_num_queries
):
    # 16, 6 for reading today's planning inputs to tell whether the
    # published plan is out of date (a fixed number at any size), and 1 for
    # the users waiting for access.
    with django_assert_max_num_queries(23):
        demo_coordinator_client.get(reverse("home"))


def test_staff_front_page_reads_no_plan_snapshot(demo_coordinator_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert demo_coordinator_client.get("/").status_code == 200
    assert not any('"waves_waveplan"."inputs"' in q["sql"] for q in queries)
