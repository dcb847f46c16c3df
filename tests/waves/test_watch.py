"""Today's planning fingerprints are kept between requests, and gathered
again after any write to an input table, however it was written."""

import pytest
from django.contrib.sessions.backends.db import SessionStore

from municipalities.models import Municipality
from waves import planning
from waves.models import Pin, PlanningWeights, PlanRun, Wave, WavePlan
from waves.planning import watch


def kept_fingerprints():
    return planning.CurrentInputs().get()[1]


def test_the_fingerprints_are_kept_between_uses(draft, django_assert_num_queries):
    kept_fingerprints()
    with django_assert_num_queries(0):
        assert kept_fingerprints() == draft.input_fingerprints
        assert not planning.freshness(draft).is_out_of_date


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda: Wave.objects.filter(number=1).update(capacity=30), id="update"),
        pytest.param(
            lambda: Pin.objects.create(
                municipality_id=101, wave=Wave.objects.get(number=3), reason="Aftalt"
            ),
            id="save",
        ),
        pytest.param(
            lambda: Pin.objects.bulk_create(
                [Pin(municipality_id=101, wave=Wave.objects.get(number=3), reason="Aftalt")]
            ),
            id="bulk-create",
        ),
        pytest.param(
            lambda: PlanningWeights.objects.update(split_neighbours=99), id="weights-update"
        ),
    ],
)
def test_any_write_to_an_input_table_is_seen_at_once(draft, write):
    kept_fingerprints()
    write()
    assert planning.freshness(draft).is_out_of_date


def test_publishing_a_plan_changes_the_stability_inputs(draft):
    before = planning.CurrentInputs().get()[0]
    assert all(m.current_wave is None for m in before.municipalities)
    WavePlan.objects.filter(pk=draft.pk).update(status=WavePlan.Status.PUBLISHED)
    after = planning.CurrentInputs().get()[0]
    assert any(m.current_wave is not None for m in after.municipalities)


def test_writes_elsewhere_keep_the_fingerprints(draft, django_assert_num_queries):
    kept_fingerprints()
    generation = watch.generation()
    session = SessionStore()
    session["x"] = 1
    session.save()
    PlanRun.objects.update(message="noted")
    Municipality.objects.filter(code=101).exists()
    assert watch.generation() == generation
    with django_assert_num_queries(0):
        kept_fingerprints()


def test_kept_fingerprints_expire(draft, monkeypatch):
    kept_fingerprints()
    monkeypatch.setattr(watch, "KEEP_SECONDS", 0)
    # Written behind the portal's back (no statement of this connection).
    monkeypatch.setattr(watch, "writes_inputs", lambda sql: False)
    Wave.objects.filter(number=1).update(capacity=30)
    assert planning.freshness(draft).changed == ("capacities",)


def test_the_commit_gives_a_new_generation_too(draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        Wave.objects.filter(number=1).update(capacity=30)
    generation = watch.generation()
    for callback in callbacks:
        callback()
    assert watch.generation() != generation


@pytest.mark.parametrize(
    "sql, writes",
    [
        ('INSERT INTO "waves_pin" ("municipality_id") VALUES (%s)', True),
        ('UPDATE "waves_wave" SET "capacity" = %s', True),
        ('DELETE FROM "municipalities_neighbourpair" WHERE id IN (1)', True),
        ("update waves_wave set capacity = 3", True),
        ('SELECT * FROM "waves_pin"', False),
        ('UPDATE "django_session" SET "session_data" = %s', False),
        ('UPDATE "waves_planrun" SET "message" = %s', False),
        ('INSERT INTO "waves_historicalpin" ("id") VALUES (1)', False),
    ],
)
def test_which_statements_write_the_inputs(sql, writes):
    assert watch.writes_inputs(sql) is writes


def test_the_changed_answers_are_kept_with_them(
    draft, readiness, monkeypatch, django_assert_num_queries
):
    from readiness.selectors import MunicipalityReadiness

    answers = readiness()
    answers[101] = MunicipalityReadiness(101, 1.0, 3, "submitted", 1)
    monkeypatch.setattr(planning.inputs, "readiness_for_planning", lambda: answers)
    first = planning.freshness(draft, with_names=True)
    assert first.changed_answers == ("København",)
    with django_assert_num_queries(0):
        assert planning.freshness(draft, with_names=True) == first


def test_a_shared_cache_that_is_down_costs_only_the_keeping(draft, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    assert not planning.freshness(draft).is_out_of_date
    Wave.objects.filter(number=1).update(capacity=30)
    assert planning.freshness(draft).changed == ("capacities",)
    assert "cache cannot be reached" in caplog.text
