"""Helpers for the readiness tests: the shipped 2013 questionnaire by key."""

import datetime

import pytest

from readiness.models import Questionnaire
from readiness.services import AnswerData, save_answers


@pytest.fixture
def questionnaire(db):
    return Questionnaire.objects.current()


@pytest.fixture
def questions(questionnaire):
    return {q.key: q for q in questionnaire.questions.prefetch_related("options")}


def option(questions, key, option_key):
    return next(o for o in questions[key].options.all() if o.key == option_key)


def answer_set(questions, dates=None, comments=None, **chosen):
    """AnswerData by question id from option keys: answer_set(qs, eoj_budget="yes")."""
    dates = dates or {}
    comments = comments or {}
    return {
        questions[key].pk: AnswerData(
            option_id=option(questions, key, value).pk if value else None,
            expected_date=dates.get(key),
            comment=comments.get(key, ""),
        )
        for key, value in chosen.items()
    }


ALL_YES = {
    "project_manager": "yes",
    "eoj_budget": "yes",
    "internal_resources": "yes",
    "signature_central": "yes",
    "wish": "q2_2014",
}


@pytest.fixture
def submit(questionnaire, questions):
    """Submit answers for a municipality as a user; returns the revision."""

    def _submit(municipality, user, base_revision=0, **chosen):
        chosen = {**ALL_YES, **chosen}
        # "Planned" asks for the date it is expected in place.
        dates = {
            key: datetime.date(2014, 3, 1) for key, value in chosen.items() if value == "planned"
        }
        return save_answers(
            municipality=municipality,
            questionnaire=questionnaire,
            answers=answer_set(questions, dates=dates, **chosen),
            base_revision=base_revision,
            by=user,
            submit=True,
        )

    return _submit
