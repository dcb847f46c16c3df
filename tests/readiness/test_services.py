"""Saving, submitting, conflicts, scores, weights, review and reminders."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from municipalities.models import Municipality
from readiness import services
from readiness.models import (
    AnswerOption,
    FrozenQuestionnaireError,
    Question,
    Reminder,
    Response,
    ResponseStatus,
    ReviewStatus,
)
from readiness.selectors import readiness_for_planning
from tests.readiness.conftest import ALL_YES, answer_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def odense(db):
    return Municipality.objects.get(code=461)


def save(questionnaire, questions, municipality, user, base, submit=False, **chosen):
    return services.save_answers(
        municipality=municipality,
        questionnaire=questionnaire,
        answers=answer_set(questions, **chosen),
        base_revision=base,
        by=user,
        submit=submit,
    )


def test_a_partial_draft_is_saved_without_score(questionnaire, questions, odense, pm_odense):
    revision = save(questionnaire, questions, odense, pm_odense, 0, eoj_budget="planned")
    response = Response.objects.get(municipality=odense)
    assert (revision.number, response.revision, response.status) == (1, 1, "draft")
    assert response.score is None
    assert readiness_for_planning()[461].status == "draft"


def test_submitting_computes_the_score_and_tells_the_planning(
    questionnaire,
    questions,
    odense,
    pm_odense,
    submit,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(odense, pm_odense, eoj_budget="planned", internal_resources="no", wish="q3_2014")
    response = Response.objects.get(municipality=odense)
    # 20 + 30 * 5/10 + 0 + 30 = 65
    assert response.score == 65.0
    assert response.status == ResponseStatus.SUBMITTED
    assert response.review_status == ReviewStatus.PENDING
    assert readiness_for_planning()[461].score == 65.0
    assert readiness_for_planning()[461].wish_wave == 2
    assert readiness_for_planning()[461].weight_set_version == 1


def test_a_draft_gives_the_planning_nothing(
    questionnaire, questions, odense, pm_odense, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        save(questionnaire, questions, odense, pm_odense, 0, eoj_budget="yes")
    assert readiness_for_planning()[461].score is None
    assert readiness_for_planning()[461].status == "draft"


def test_submitting_with_a_missing_answer_writes_nothing(
    questionnaire, questions, odense, pm_odense
):
    with pytest.raises(services.IncompleteAnswers) as error:
        save(questionnaire, questions, odense, pm_odense, 0, submit=True, eoj_budget="yes")
    assert [q.key for q, _ in error.value.missing] == [
        "project_manager",
        "internal_resources",
        "signature_central",
        "wish",
    ]
    assert not Response.objects.filter(municipality=odense).exists()


def test_planned_asks_for_the_expected_date(questionnaire, questions, odense, pm_odense):
    chosen = {**ALL_YES, "signature_central": "planned"}
    with pytest.raises(services.IncompleteAnswers) as error:
        save(questionnaire, questions, odense, pm_odense, 0, submit=True, **chosen)
    assert [(q.key, why) for q, why in error.value.missing] == [("signature_central", "date")]


def test_revising_after_submission_counts_as_revised_and_keeps_the_history(
    questionnaire, questions, odense, pm_odense, pm_aarhus, submit
):
    submit(odense, pm_odense, eoj_budget="no")
    save(questionnaire, questions, odense, pm_odense, 1, eoj_budget="yes")
    response = Response.objects.get(municipality=odense)
    # A draft after the submission does not change what counts.
    assert response.status == ResponseStatus.SUBMITTED
    assert response.has_unsubmitted_changes
    assert response.score == 70.0
    submit(odense, pm_odense, base_revision=2)
    response.refresh_from_db()
    assert response.status == ResponseStatus.REVISED
    assert response.score == 100.0
    assert not response.has_unsubmitted_changes
    assert list(response.revisions.values_list("number", "kind")) == [
        (3, "submission"),
        (2, "draft"),
        (1, "submission"),
    ]


def test_the_second_save_from_the_same_revision_is_refused_and_says_what_changed(
    questionnaire, questions, odense, pm_odense, coordinator
):
    save(questionnaire, questions, odense, pm_odense, 0, eoj_budget="no")
    # Both open revision 1; the coordinator saves first.
    save(questionnaire, questions, odense, coordinator, 1, eoj_budget="yes", wish="q4_2014")
    with pytest.raises(services.EditConflict) as error:
        save(questionnaire, questions, odense, pm_odense, 1, eoj_budget="planned")
    conflict = error.value
    assert conflict.current_revision == 2
    assert conflict.saved_by == coordinator
    assert [c.question.key for c in conflict.changes] == ["eoj_budget", "wish"]
    # Nothing of the refused save was written.
    response = Response.objects.get(municipality=odense)
    assert response.revision == 2
    assert services.answers_of(response.current_revision)[
        questions["eoj_budget"].pk
    ].option_id == (questions["eoj_budget"].options.get(key="yes").pk)


def test_a_save_that_changes_nothing_makes_no_revision(
    questionnaire, questions, odense, pm_odense
):
    save(questionnaire, questions, odense, pm_odense, 0, eoj_budget="no")
    assert save(questionnaire, questions, odense, pm_odense, 1, eoj_budget="no") is None
    assert Response.objects.get(municipality=odense).revision == 1


def test_an_option_of_another_question_is_refused(questionnaire, questions, odense, pm_odense):
    wrong = {
        questions["eoj_budget"].pk: services.AnswerData(
            option_id=questions["wish"].options.first().pk
        )
    }
    with pytest.raises(ValidationError):
        services.save_answers(
            municipality=odense,
            questionnaire=questionnaire,
            answers=wrong,
            base_revision=0,
            by=pm_odense,
        )
    assert not Response.objects.exists()


def test_an_answered_version_is_frozen(questionnaire, questions, odense, pm_odense):
    save(questionnaire, questions, odense, pm_odense, 0, eoj_budget="no")
    question = Question.objects.get(pk=questions["eoj_budget"].pk)
    question.text = "Changed"
    with pytest.raises(FrozenQuestionnaireError):
        question.save()
    option = AnswerOption.objects.get(question=question, key="planned")
    option.points = 8
    with pytest.raises(FrozenQuestionnaireError):
        option.save()
    with pytest.raises(FrozenQuestionnaireError):
        option.delete()
    assert AnswerOption.objects.get(pk=option.pk).points == 5


def test_a_copy_makes_a_new_editable_version_with_the_same_weights(
    questionnaire, questions, odense, pm_odense, coordinator
):
    save(questionnaire, questions, odense, pm_odense, 0, eoj_budget="no")
    copy = services.copy_questionnaire(questionnaire=questionnaire, by=coordinator)
    assert copy.version == 2 and not copy.is_current and not copy.is_frozen
    option = AnswerOption.objects.get(
        question__questionnaire=copy, question__key="eoj_budget", key="planned"
    )
    option.points = 8
    option.save()
    assert services.weights_of(copy.active_weight_set()) == {
        q.pk: v
        for q, v in [
            (copy.questions.get(key="project_manager"), 2),
            (copy.questions.get(key="eoj_budget"), 3),
            (copy.questions.get(key="internal_resources"), 2),
            (copy.questions.get(key="signature_central"), 3),
        ]
    }


def test_new_weights_recompute_every_score_and_tell_the_planning(
    questionnaire,
    questions,
    odense,
    pm_odense,
    coordinator,
    submit,
    django_capture_on_commit_callbacks,
):
    aarhus = Municipality.objects.get(code=751)
    submit(odense, pm_odense, eoj_budget="no")  # 70 with 2/3/2/3
    submit(aarhus, coordinator, signature_central="no")  # 70
    with django_capture_on_commit_callbacks(execute=True):
        weight_set = services.set_weights(
            questionnaire=questionnaire,
            values={
                questions["project_manager"].pk: 1,
                questions["eoj_budget"].pk: 1,
                questions["internal_resources"].pk: 1,
                questions["signature_central"].pk: 1,
            },
            by=coordinator,
            note="Lige vægte",
        )
    assert weight_set.version == 2 and weight_set.created_by == coordinator
    assert dict(Response.objects.values_list("municipality_id", "score")) == {461: 75.0, 751: 75.0}
    assert readiness_for_planning()[461].weight_set_version == 2


def test_weights_must_cover_every_scored_question(questionnaire, questions, coordinator):
    with pytest.raises(ValidationError):
        services.set_weights(
            questionnaire=questionnaire, values={questions["eoj_budget"].pk: 3}, by=coordinator
        )


def test_recomputing_takes_a_fixed_number_of_queries(questionnaire, coordinator, submit):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    weight_set = questionnaire.active_weight_set()
    counts = []
    for municipality in Municipality.objects.all()[:40]:
        submit(municipality, coordinator)
        if municipality.code in (101, 147) or len(counts) == 0:
            with CaptureQueriesContext(connection) as queries:
                services.recompute_scores(weight_set=weight_set)
            counts.append(len(queries))
    assert Response.objects.count() == 40
    with CaptureQueriesContext(connection) as queries:
        assert services.recompute_scores(weight_set=weight_set) == 40
    assert len(set(counts + [len(queries)])) == 1


def test_review_clarification_is_mailed_to_the_project_managers(
    odense, pm_odense, coordinator, submit, django_capture_on_commit_callbacks
):
    submit(odense, pm_odense)
    response = Response.objects.get(municipality=odense)
    with django_capture_on_commit_callbacks(execute=True):
        services.review_response(
            response=response,
            decision=ReviewStatus.CLARIFICATION,
            comment="Hvornår er budgettet vedtaget?",
            by=coordinator,
        )
    response.refresh_from_db()
    assert response.review_status == ReviewStatus.CLARIFICATION
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["pl-461@example.invalid"]
    assert "Hvornår er budgettet vedtaget?" in mail.outbox[0].body
    assert "/parathed/461/" in mail.outbox[0].body


def test_clarification_needs_a_comment(odense, pm_odense, coordinator, submit):
    submit(odense, pm_odense)
    with pytest.raises(ValidationError):
        services.review_response(
            response=Response.objects.get(municipality=odense),
            decision=ReviewStatus.CLARIFICATION,
            comment=" ",
            by=coordinator,
        )


def test_a_new_submission_awaits_review_again(odense, pm_odense, coordinator, submit):
    submit(odense, pm_odense)
    response = Response.objects.get(municipality=odense)
    services.review_response(
        response=response, decision=ReviewStatus.ACCEPTED, comment="", by=coordinator
    )
    submit(odense, pm_odense, base_revision=1, eoj_budget="no")
    response.refresh_from_db()
    assert response.review_status == ReviewStatus.PENDING


class TestReminders:
    @pytest.fixture
    def deadline(self, questionnaire):
        questionnaire.deadline = datetime.date(2014, 1, 31)
        questionnaire.save()
        return questionnaire.deadline

    def test_reminders_go_to_project_managers_that_have_not_submitted(
        self, deadline, pm_odense, pm_aarhus, submit
    ):
        submit(Municipality.objects.get(code=751), pm_aarhus)
        result = services.send_reminders(
            today=deadline - datetime.timedelta(days=3), days_before=7
        )
        assert result == {"sent": 1, "due": True}
        assert [m.to for m in mail.outbox] == [["pl-461@example.invalid"]]
        assert "Odense Kommune" in mail.outbox[0].body
        assert "3 dage" in mail.outbox[0].subject
        reminder = Reminder.objects.get()
        assert reminder.user == pm_odense
        assert list(reminder.municipalities.values_list("code", flat=True)) == [461]

    def test_at_most_one_reminder_a_day_per_person(self, deadline, pm_odense):
        today = deadline - datetime.timedelta(days=1)
        services.send_reminders(today=today, days_before=7)
        services.send_reminders(today=today, days_before=7)
        assert len(mail.outbox) == 1
        services.send_reminders(today=deadline, days_before=7)
        assert len(mail.outbox) == 2
        assert "i dag" in mail.outbox[1].subject

    def test_no_reminders_before_the_window_or_after_the_deadline(self, deadline, pm_odense):
        for today in (
            deadline - datetime.timedelta(days=8),
            deadline + datetime.timedelta(days=1),
        ):
            assert services.send_reminders(today=today, days_before=7)["sent"] == 0
        assert mail.outbox == []

    def test_a_draft_is_not_a_submission(self, deadline, questionnaire, questions, pm_odense):
        save(
            questionnaire,
            questions,
            Municipality.objects.get(code=461),
            pm_odense,
            0,
            eoj_budget="yes",
        )
        services.send_reminders(today=deadline, days_before=7)
        assert len(mail.outbox) == 1

    def test_the_task_reads_the_setting(self, deadline, pm_odense, settings, monkeypatch):
        from django.utils import timezone

        from readiness.tasks import send_reminders

        settings.READINESS_REMINDER_DAYS_BEFORE = 2
        monkeypatch.setattr(timezone, "localdate", lambda: deadline - datetime.timedelta(days=3))
        assert send_reminders.delay().get() == {"sent": 0, "due": False}
        settings.READINESS_REMINDER_DAYS_BEFORE = 3
        assert send_reminders.delay().get() == {"sent": 1, "due": True}

    def test_the_daily_run_is_scheduled_in_the_database(self):
        from django_celery_beat.models import PeriodicTask

        task = PeriodicTask.objects.get(task="readiness.tasks.send_reminders")
        assert task.enabled and task.crontab.hour == "8"
