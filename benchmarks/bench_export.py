"""How long the wave-plan workbook takes, and how much memory it needs.

Exports the 2013 draft (the real 98 municipalities), then a plan of 5,000
synthetic municipalities with readiness answers, timing each (median of 3)
and measuring the peak of Python's allocations with tracemalloc. Write-only
mode keeps the peak roughly flat however many rows there are.
"""

import io
import sys
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._setup import setup_django, timed  # noqa: E402

SYNTHETIC = 5_000


def build_synthetic_plan(count):
    from django.db import transaction

    from municipalities.models import Municipality, Region
    from readiness.models import Answer, Questionnaire, Response, Revision
    from waves.models import Assignment, Wave, WavePlan

    regions = list(Region.objects.all())
    waves = list(Wave.objects.order_by("number"))
    questionnaire = Questionnaire.objects.current()
    questions = list(questionnaire.questions.prefetch_related("options"))
    with transaction.atomic():
        municipalities = Municipality.objects.bulk_create(
            Municipality(
                code=100_000 + i,
                name=f"Syntetisk {i} Kommune",
                short_name=f"Syntetisk {i}",
                region=regions[i % len(regions)],
                centroid_lon=10.0,
                centroid_lat=56.0,
                area_km2=1.0,
            )
            for i in range(count)
        )
        responses = Response.objects.bulk_create(
            Response(
                municipality=m,
                questionnaire=questionnaire,
                status="submitted",
                revision=1,
                score=(i * 7) % 101,
                wish_wave=i % 3 + 1,
            )
            for i, m in enumerate(municipalities)
        )
        revisions = Revision.objects.bulk_create(
            Revision(response=r, number=1, kind="submission", created_at=questionnaire.created_at)
            for r in responses
        )
        Answer.objects.bulk_create(
            Answer(revision=revision, question=q, option=list(q.options.all())[i % 2])
            for i, revision in enumerate(revisions)
            for q in questions
            if q.options.all()
        )
        for response, revision in zip(responses, revisions, strict=True):
            response.submitted_revision = revision
            response.current_revision = revision
        Response.objects.bulk_update(responses, ["submitted_revision", "current_revision"])
        plan = WavePlan.objects.create(
            name=f"Syntetisk plan ({count} kommuner)",
            origin=WavePlan.Origin.MANUAL,
            solver_status=WavePlan.SolverStatus.OPTIMAL,
        )
        Assignment.objects.bulk_create(
            Assignment(
                plan=plan,
                municipality=m,
                wave=waves[i % 3],
                readiness_score=(i * 7) % 101,
                wish_wave=i % 3 + 1,
                wish_met=True,
                gp_adoption=(i * 13) % 101,
                hospital_adoption=50.0,
                vendor_name="Demoleverandør A",
                is_pinned=i % 50 == 0,
                pin_reason="=ikke en formel" if i % 50 == 0 else "",
            )
            for i, m in enumerate(municipalities)
        )
    return plan


def measure(plan):
    from waves import exports

    def export():
        buffer = io.BytesIO()
        exports.write_plan(plan, buffer)
        return buffer.getbuffer().nbytes

    seconds, size = timed(export, repeat=3)
    tracemalloc.start()
    export()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak, size, raw_dump_seconds(plan)


def raw_dump_seconds(plan):
    """The floor: the workbook's very cells, computed beforehand, written by
    openpyxl in write-only mode with no styles, formats or filters."""
    from openpyxl import Workbook

    from fmkrollout.spreadsheets import cell_value
    from waves import exports

    sheets = [
        [[cell_value(value) for value in row] for row in sheet.rows]
        for sheet in exports.plan_sheets(plan)
    ]

    def dump():
        workbook = Workbook(write_only=True)
        for number, rows in enumerate(sheets):
            worksheet = workbook.create_sheet(title=f"Sheet {number}")
            for row in rows:
                worksheet.append(row)
        workbook.save(io.BytesIO())

    seconds, _result = timed(dump, repeat=3)
    return seconds


def main():
    setup_django()
    from waves.models import WavePlan
    from waves.reference import DRAFT_2013_NAME

    draft = WavePlan.objects.get(name=DRAFT_2013_NAME)
    seconds, peak, size, raw = measure(draft)
    print(
        f"export, 2013 draft (98 municipalities): {seconds * 1000:.0f} ms "
        f"({seconds / raw:.1f}x a raw dump of the same cells, {raw * 1000:.0f} ms), "
        f"peak {peak / 1_048_576:.1f} MB, file {size / 1024:.0f} KB"
    )
    plan = build_synthetic_plan(SYNTHETIC)
    seconds, peak, size, raw = measure(plan)
    print(
        f"export, {SYNTHETIC:,} synthetic municipalities: {seconds:.2f} s "
        f"({seconds / raw:.1f}x a raw dump of the same cells, {raw:.2f} s), "
        f"peak {peak / 1_048_576:.1f} MB, file {size / 1024:.0f} KB"
    )


if __name__ == "__main__":
    main()
