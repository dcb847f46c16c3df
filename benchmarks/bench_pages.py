"""The main pages' server time at 98 and 5,000 municipalities, against the
about page.

Seeds the demo data (users, readiness answers, a published plan and a
draft), then times each main page in this process through Django's test
client (the whole middleware stack, as a coordinator), alternating with
the about page, which is the floor: a template and the base layout, no
data. Prints per page the median server time, its ratio to the about
page's median from the same alternation, the query count and the page
size. Then adds synthetic municipalities with submitted answers until
there are 5,000, gives both plans an assignment, an explanation and a
snapshot entry for each (copied from the real ones, so the JSON the pages
could decode is as large as a real plan's), and measures again.

The goal (issue 12): every page within 10x the about page at 98, and a
cost that grows no worse than the rows a page shows.
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._setup import setup_django  # noqa: E402

SIZES = (98, 5000)
# Each page at least this many times, more while under the time budget.
MIN_REPEAT, MAX_REPEAT, BUDGET_SECONDS = 3, 15, 2.0
SLOW_SECONDS = 3.0


def seed_demo():
    """What `seed_demo` writes, without its DEBUG guard (a benchmark
    database is thrown away afterwards)."""
    from django.db import transaction
    from django.utils.module_loading import import_string

    from demo.management.commands.seed_demo import SEEDERS

    with transaction.atomic():
        for dotted_path in SEEDERS:
            import_string(dotted_path)()


def grow_plans(total):
    """Give every plan with assignments one for each municipality it lacks,
    copied round-robin from its real ones, and a snapshot entry to match;
    widen the waves so that the plans stay within capacity."""
    from django.db import transaction

    from municipalities.models import Municipality
    from waves.models import Assignment, Wave, WavePlan

    waves = list(Wave.objects.order_by("number"))
    with transaction.atomic():
        for wave in waves:
            wave.capacity = -(-total // len(waves)) + 10
        Wave.objects.bulk_update(waves, ["capacity"])
        codes = list(Municipality.objects.order_by("code").values_list("code", flat=True))
        for plan in WavePlan.objects.exclude(assignments=None):
            have = set(plan.assignments.values_list("municipality_id", flat=True))
            missing = [code for code in codes if code not in have]
            if not missing:
                continue
            templates = list(plan.assignments.order_by("municipality_id"))
            snapshot = plan.inputs.get("municipalities", {})
            rows = []
            for n, code in enumerate(missing):
                template = templates[n % len(templates)]
                rows.append(
                    Assignment(
                        plan=plan,
                        municipality_id=code,
                        wave=waves[n % len(waves)],
                        is_pinned=template.is_pinned,
                        pin_reason=template.pin_reason,
                        readiness_score=template.readiness_score,
                        wish_wave=template.wish_wave,
                        wish_met=template.wish_met,
                        gp_adoption=template.gp_adoption,
                        hospital_adoption=template.hospital_adoption,
                        vendor_name=template.vendor_name,
                        earliest_wave=template.earliest_wave,
                        neighbours_in_other_waves=template.neighbours_in_other_waves,
                        explanation=template.explanation,
                    )
                )
                if snapshot:
                    source = snapshot.get(str(template.municipality_id))
                    snapshot[str(code)] = {**source, "name": f"Syntetisk {code}"}
            Assignment.objects.bulk_create(rows, batch_size=1000)
            if snapshot:
                plan.inputs["municipalities"] = snapshot
                plan.save(update_fields=["inputs"])


def pages():
    """(label, url) of the main pages; the about page is measured beside each."""
    from django.urls import reverse

    from waves.models import WavePlan

    draft = WavePlan.objects.current_draft()
    return [
        ("/ (coordinator)", reverse("home")),
        ("/parathed/", reverse("readiness:overview")),
        ("/parathed/461/", reverse("readiness:form", args=[461])),
        ("/boelger/", reverse("waves:plan-current")),
        ("/boelger/planer/<draft>/", reverse("waves:plan-detail", args=[draft.pk])),
        ("/styring/", reverse("governance:overview")),
        (
            "admin: Kommuner i planen",
            reverse("admin:waves_assignment_changelist") + f"?plan={draft.pk}",
        ),
        ("/healthz", reverse("healthz")),
    ]


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def measure(client, url, floor_url):
    """Median seconds of the page and of the floor, alternating, the page's
    queries and size."""
    from django.db import connection

    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    start = time.perf_counter()
    with connection.execute_wrapper(count):
        body = fetch(client, url)  # also warms caches, as a running server has
    # A page that takes seconds is timed once more, not a dozen times.
    repeat = 1 if time.perf_counter() - start > SLOW_SECONDS else MAX_REPEAT
    page_times, floor_times = [], []
    started = time.perf_counter()
    while len(page_times) < repeat and (
        len(page_times) < min(MIN_REPEAT, repeat) or time.perf_counter() - started < BUDGET_SECONDS
    ):
        for url_, times in ((floor_url, floor_times), (url, page_times)):
            start = time.perf_counter()
            fetch(client, url_)
            times.append(time.perf_counter() - start)
    return statistics.median(page_times), statistics.median(floor_times), len(queries), len(body)


def report(size, client):
    from django.urls import reverse

    floor_url = reverse("about")
    floor_body = fetch(client, floor_url)
    print(f"\n{size:,} municipalities (floor: the about page, {len(floor_body) / 1024:.0f} KB)")
    print(f"{'page':<28} {'ms':>9} {'× about':>8} {'queries':>8} {'KB':>8}")
    for label, url in pages():
        page, floor, queries, size_bytes = measure(client, url, floor_url)
        print(
            f"{label:<28} {page * 1000:>9.1f} {page / floor:>8.1f} {queries:>8} "
            f"{size_bytes / 1024:>8.1f}",
            flush=True,
        )


def main():
    setup_django()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from benchmarks.bench_readiness_overview import add_synthetic
    from municipalities.models import Municipality

    seed_demo()
    client = Client()
    client.force_login(get_user_model().objects.get(username="koordinator"))
    for size in SIZES:
        missing = size - Municipality.objects.count()
        if missing > 0:
            add_synthetic(missing)
            grow_plans(size)
        report(size, client)


if __name__ == "__main__":
    main()
