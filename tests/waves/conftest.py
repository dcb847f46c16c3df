"""Fixtures for the wave planning: readiness figures without the
questionnaire, demo inputs, and plans."""

import pytest

from readiness.selectors import MunicipalityReadiness
from waves import planning
from waves.models import PlanRun, WavePlan


def fake_readiness(codes):
    """A fixed readiness per municipality: scores spread over 0–100, a wish
    for two thirds of them, a few that never submitted."""
    result = {}
    for code in codes:
        if code % 11 == 0:
            result[code] = MunicipalityReadiness(code, None, None, "not_started", None)
            continue
        wish = None if code % 3 == 0 else 1 + code % 3
        result[code] = MunicipalityReadiness(code, float(code * 37 % 100), wish, "submitted", 1)
    return result


@pytest.fixture
def readiness(monkeypatch):
    """Replace the readiness selector (the contract's one function)."""
    from municipalities.models import Municipality

    def selector():
        return fake_readiness(Municipality.objects.values_list("code", flat=True))

    monkeypatch.setattr(planning.inputs, "readiness_for_planning", selector)
    return selector


@pytest.fixture
def demo_inputs(db, readiness):
    from waves import demo_data

    demo_data.seed_inputs()


def recompute(**kwargs):
    run = planning.request_recomputation(
        origin=kwargs.pop("origin", WavePlan.Origin.MANUAL), dispatch=False, **kwargs
    )
    return planning.run_recomputation(run_id=run.pk)


@pytest.fixture
def draft(demo_inputs):
    run = recompute()
    assert run.status == PlanRun.Status.SUCCEEDED, run.message
    return run.plan


@pytest.fixture
def published(draft, coordinator):
    from waves.services import publish_plan

    return publish_plan(plan=draft, by=coordinator, notify=False)
