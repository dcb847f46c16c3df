"""Fixtures for the rollout: a published plan without running the solver."""

import pytest

from rollout import services
from rollout.models import Implementation
from waves.models import Assignment, Wave, WavePlan


def publish_copy_of(plan, *, moves=None, name="Offentliggjort plan (test)"):
    """A published plan with the assignments of `plan`, some moved.

    `moves` maps municipality codes to wave numbers. Supersedes the plan
    published before it, as publishing does.
    """
    from django.utils import timezone

    waves = {wave.number: wave for wave in Wave.objects.all()}
    WavePlan.objects.published().update(
        status=WavePlan.Status.SUPERSEDED, superseded_at=timezone.now()
    )
    published = WavePlan.objects.create(
        name=name,
        status=WavePlan.Status.PUBLISHED,
        origin=WavePlan.Origin.MANUAL,
        solver_status=WavePlan.SolverStatus.NOT_SOLVED,
        published_at=timezone.now(),
    )
    moves = moves or {}
    Assignment.objects.bulk_create(
        Assignment(
            plan=published,
            municipality_id=a.municipality_id,
            wave=waves[moves.get(a.municipality_id, a.wave.number)],
        )
        for a in plan.assignments.select_related("wave")
    )
    return published


@pytest.fixture
def draft_2013(db):
    return WavePlan.objects.historical().get()


@pytest.fixture
def published(draft_2013):
    """The 2013 draft, published (Odense is in wave 1 there)."""
    return publish_copy_of(draft_2013)


@pytest.fixture
def rollout(published):
    services.sync_with_published_plan()
    return published


@pytest.fixture
def odense(rollout):
    return Implementation.objects.select_related("wave").get(municipality_id=461)
