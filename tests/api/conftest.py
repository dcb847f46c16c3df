"""Fixtures for the API: the personas with tokens, and data on every endpoint.

`api_data` publishes a copy of the 2013 draft (Odense in wave 1, Aarhus in
wave 2), follows it with the rollout, submits Odense's readiness answers,
keeps a draft plan beside it and records a meeting with a decision.
"""

import pytest
from django.test import Client
from django.utils import timezone

from accounts import services as token_services
from municipalities.models import Municipality
from readiness.models import Questionnaire
from readiness.services import save_answers
from rollout import services as rollout_services
from tests.governance.factories import DecisionFactory
from tests.readiness.conftest import ALL_YES, answer_set
from tests.rollout.conftest import publish_copy_of
from waves.models import WavePlan

API = "/api/v1"


def submit_readiness(code, user):
    questionnaire = Questionnaire.objects.current()
    questions = {q.key: q for q in questionnaire.questions.prefetch_related("options")}
    return save_answers(
        municipality=Municipality.objects.get(code=code),
        questionnaire=questionnaire,
        answers=answer_set(questions, comments={"eoj_budget": "Afsat i budget 2014"}, **ALL_YES),
        base_revision=0,
        by=user,
        submit=True,
    )


@pytest.fixture
def api_data(db, pm_odense):
    draft_2013 = WavePlan.objects.historical().get()
    published = publish_copy_of(draft_2013)
    rollout_services.sync_with_published_plan()
    draft = WavePlan.objects.create(
        status=WavePlan.Status.DRAFT,
        origin=WavePlan.Origin.MANUAL,
        solver_status=WavePlan.SolverStatus.NOT_SOLVED,
    )
    submit_readiness(461, pm_odense)
    decision = DecisionFactory()
    return {
        "published": published,
        "draft": draft,
        "meeting": decision.meeting,
        "decision": decision,
        "at": timezone.now(),
    }


@pytest.fixture
def no_role(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("uden-rolle", password="demo")


def token_client(user):
    """A client that signs in with a fresh personal token of `user`."""
    _token, raw = token_services.create_token(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def session_client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def personas(db, coordinator, viewer, pm_odense, no_role):
    return {
        "coordinator": coordinator,
        "viewer": viewer,
        "pm_odense": pm_odense,
        "no_role": no_role,
    }


@pytest.fixture(params=["token", "session"])
def sign_in(request):
    """Sign a persona in by token or by session (the browsable pages)."""
    return token_client if request.param == "token" else session_client


@pytest.fixture
def anonymous():
    return Client()
