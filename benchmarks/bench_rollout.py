"""How the rollout dashboard holds up: 98 and 1,000 municipalities.

Publishes the 2013 draft as the plan, follows it (every municipality gets
its 27 tasks), gives the tasks varied progress, then adds synthetic
municipalities (codes from 10000) to the plan until there are 1,000 and
times the dashboard, the dashboard coloured by phase, a filtered page, the
project manager's checklist and the workbook (median of 5 runs each), with
their query counts, which must not depend on the number of municipalities.
"""

import datetime
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._setup import setup_django, timed  # noqa: E402

SIZES = (98, 1000)
REPEAT = 5


def publish_2013_draft():
    from django.utils import timezone

    from waves.models import Assignment, WavePlan

    draft = WavePlan.objects.historical().get()
    plan = WavePlan.objects.create(
        name="Benchmark",
        status=WavePlan.Status.PUBLISHED,
        origin=WavePlan.Origin.MANUAL,
        solver_status=WavePlan.SolverStatus.NOT_SOLVED,
        published_at=timezone.now(),
    )
    Assignment.objects.bulk_create(
        Assignment(plan=plan, municipality_id=a.municipality_id, wave_id=a.wave_id)
        for a in draft.assignments.all()
    )
    return plan


def add_synthetic(plan, count, first_code):
    from municipalities.models import Municipality, Region
    from rollout.models import RolloutState
    from waves.models import Assignment, Wave

    regions = list(Region.objects.all())
    waves = list(Wave.objects.all())
    municipalities = Municipality.objects.bulk_create(
        Municipality(
            code=first_code + n,
            name=f"Syntetisk Kommune {n}",
            short_name=f"Syntetisk {n:05d}",
            region=regions[n % len(regions)],
            centroid_lon=10,
            centroid_lat=56,
            area_km2=100,
        )
        for n in range(count)
    )
    Assignment.objects.bulk_create(
        Assignment(plan=plan, municipality=m, wave=waves[n % len(waves)])
        for n, m in enumerate(municipalities)
    )
    RolloutState.objects.filter(pk=1).update(synced_plan=None)


def give_progress():
    """Tasks due before the reference date done, a few blocked."""
    from rollout.models import Task

    as_of = datetime.date(2014, 11, 14)
    Task.objects.filter(due_on__lt=as_of - datetime.timedelta(days=20)).update(
        status="done", done_on=as_of - datetime.timedelta(days=30)
    )
    from municipalities.models import Municipality

    every_tenth = [c for c in Municipality.objects.values_list("code", flat=True) if c % 10 == 7]
    Task.objects.filter(
        implementation__municipality_id__in=every_tenth,
        status="not_started",
        template__milestone="M1",
    ).update(status="blocked", reason="Benchmark")


def measure(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if response.streaming:
            b"".join(response.streaming_content)
        return response

    seconds, _ = timed(get, repeat=REPEAT)
    with CaptureQueriesContext(connection) as queries:
        get()
    return seconds, len(queries)


def main():
    setup_django()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from municipalities.models import Municipality
    from rollout import services
    from rollout.models import RolloutState

    plan = publish_2013_draft()
    RolloutState.objects.update_or_create(
        pk=1, defaults={"demo_as_of": datetime.date(2014, 11, 14)}
    )
    services.sync_with_published_plan()
    give_progress()
    user = get_user_model().objects.create_superuser("bench", "bench@example.invalid", "x")
    client = Client()
    client.force_login(user)
    urls = {
        "dashboard": "/udrulning/",
        "dashboard, map by phase": "/udrulning/?measure=phase",
        "dashboard, wave 1 overdue": "/udrulning/?wave=1&overdue=yes",
        "checklist (Odense)": "/udrulning/461/",
        "xlsx workbook": "/udrulning/excel/",
    }
    print(f"{'municipalities':>14}  {'page':<28} {'median ms':>9}  queries")
    for size in SIZES:
        missing = size - Municipality.objects.count()
        if missing > 0:
            add_synthetic(plan, missing, first_code=10_000)
            services.sync_with_published_plan()
            give_progress()
        for label, url in urls.items():
            seconds, queries = measure(client, url)
            print(f"{size:>14}  {label:<28} {seconds * 1000:>9.1f}  {queries}")


if __name__ == "__main__":
    main()
