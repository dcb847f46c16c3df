"""How the coordinators' readiness overview holds up: 98 and 5,000 municipalities.

Seeds the demo answers for the real 98, then adds synthetic municipalities
(codes from 10000, outside the real range) with submitted answers until
there are 5,000, and times the overview page, a filtered and score-sorted
page, and the xlsx export of every row (median of 7 runs each) with their
query counts, which must not depend on the number of municipalities.
"""

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._setup import setup_django, timed  # noqa: E402

SIZES = (98, 5000)
REPEAT = 7


def add_synthetic(count):
    """`count` extra municipalities, four in five with a submitted response."""
    from django.utils import timezone

    from municipalities.models import Municipality, Region
    from readiness import services
    from readiness.models import Answer, Questionnaire, Response, Revision

    questionnaire = Questionnaire.objects.current()
    questions = list(questionnaire.questions.prefetch_related("options"))
    weight_set = questionnaire.active_weight_set()
    weights = services.weights_of(weight_set)
    regions = list(Region.objects.all())
    rng = random.Random(2013)
    start = 10_000
    municipalities = Municipality.objects.bulk_create(
        Municipality(
            code=start + n,
            name=f"Syntetisk Kommune {n}",
            short_name=f"Syntetisk {n:05d}",
            region=regions[n % len(regions)],
            centroid_lon=10,
            centroid_lat=56,
            area_km2=100,
        )
        for n in range(count)
    )
    answered = [m for m in municipalities if rng.random() < 0.8]
    responses = Response.objects.bulk_create(
        Response(municipality=m, questionnaire=questionnaire, status="submitted") for m in answered
    )
    now = timezone.now()
    revisions = Revision.objects.bulk_create(
        Revision(response=r, number=1, kind="submission", created_at=now) for r in responses
    )
    answers = []
    chosen_by_response = []
    for revision in revisions:
        chosen = {}
        for question in questions:
            option = rng.choice(list(question.options.all()))
            chosen[question.pk] = services.AnswerData(option.pk)
            answers.append(Answer(revision=revision, question=question, option=option))
        chosen_by_response.append(chosen)
    Answer.objects.bulk_create(answers, batch_size=2000)
    for response, revision, chosen in zip(responses, revisions, chosen_by_response, strict=True):
        response.revision = 1
        response.current_revision = revision
        response.submitted_revision = revision
        response.submission_count = 1
        response.submitted_at = response.updated_at = now
        response.review_status = "pending"
        services.apply_score(response, questions, chosen, weight_set, weights, now)
    Response.objects.bulk_update(
        responses,
        [
            "revision",
            "current_revision",
            "submitted_revision",
            "submission_count",
            "submitted_at",
            "updated_at",
            "review_status",
            "score",
            "weight_set",
            "score_computed_at",
            "wish_wave",
        ],
        batch_size=1000,
    )


def measure(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    seconds, _ = timed(get, repeat=REPEAT)
    with CaptureQueriesContext(connection) as queries:
        get()
    return seconds, len(queries)


def raw_export_seconds():
    """The floor for the export: its very cells, computed beforehand (as
    the view's table gives them), written by openpyxl in write-only mode
    with no styles, formats or filters."""
    import io

    from openpyxl import Workbook

    from fmkrollout.spreadsheets import cell_value
    from readiness.selectors import municipalities_with_readiness
    from readiness.tables import ReadinessTable
    from readiness.views import _current_questionnaire, _questions

    questionnaire = _current_questionnaire()
    questions = _questions(questionnaire)
    table = ReadinessTable(
        municipalities_with_readiness(questionnaire, questions),
        questions=questions,
        all_columns=True,
    )
    rows = [[cell_value(value) for value in row] for row in table.as_values()]

    def dump():
        workbook = Workbook(write_only=True)
        worksheet = workbook.create_sheet(title="Sheet")
        for row in rows:
            worksheet.append(row)
        workbook.save(io.BytesIO())

    seconds, _result = timed(dump, repeat=3)
    return seconds


def main():
    setup_django()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from municipalities.models import Municipality
    from readiness import demo_data

    demo_data.seed()
    user = get_user_model().objects.create_superuser("bench", "bench@example.invalid", "x")
    client = Client()
    client.force_login(user)
    urls = {
        "overview, page 1": "/parathed/",
        "submitted, sorted by score": "/parathed/?status=submitted&sort=-score",
        "xlsx export, all rows": "/parathed/?export=xlsx",
    }
    print(f"{'municipalities':>14}  {'page':<28} {'median ms':>9}  queries")
    for size in SIZES:
        missing = size - Municipality.objects.count()
        if missing > 0:
            add_synthetic(missing)
        for label, url in urls.items():
            seconds, queries = measure(client, url)
            line = f"{size:>14}  {label:<28} {seconds * 1000:>9.1f}  {queries}"
            if "export" in url:
                raw = raw_export_seconds()
                line += f"  ({seconds / raw:.1f}x a raw dump of the same cells, "
                line += f"{raw * 1000:.0f} ms)"
            print(line, flush=True)


if __name__ == "__main__":
    main()
