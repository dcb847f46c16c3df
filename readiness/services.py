"""Readiness operations that write: save and submit answers, weights, review.

Views, the admin, tasks and commands call these functions, so every path
keeps the same rules: a save names the revision it was based on and is
refused if someone saved in between (`EditConflict`), a submission must
answer every required question, each submission recomputes the score, and a
change of weights recomputes every score in one task. The wave planning is
not told: it compares the scores and wishes it planned with against
`selectors.readiness_for_planning()` (a plan's input fingerprint).
"""

import datetime
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from municipalities.models import Membership, Municipality

from . import scoring
from .models import (
    Answer,
    Question,
    Questionnaire,
    Reminder,
    Response,
    ResponseStatus,
    ReviewStatus,
    Revision,
    Weight,
    WeightSet,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AnswerData:
    """What a person entered for one question."""

    option_id: int | None = None
    expected_date: datetime.date | None = None
    comment: str = ""

    @property
    def is_empty(self):
        return self.option_id is None and self.expected_date is None and not self.comment


@dataclass(frozen=True)
class Change:
    """One question whose answer differs between two revisions."""

    question: Question
    before: AnswerData
    after: AnswerData


class EditConflict(Exception):
    """Someone saved the answers after the revision this save was based on."""

    def __init__(self, *, response, base_revision, changes, saved_by, saved_at):
        super().__init__("The answers were changed by someone else.")
        self.response = response
        self.base_revision = base_revision
        self.current_revision = response.revision
        self.changes = changes
        self.saved_by = saved_by
        self.saved_at = saved_at


class IncompleteAnswers(ValidationError):
    """A submission lacks the answer to a required question (or its date)."""

    def __init__(self, missing):
        self.missing = missing
        super().__init__(
            _("Answer every question before submitting."), code="incomplete", params=None
        )


# Reading answers ----------------------------------------------------------


def answers_of(revision) -> dict[int, AnswerData]:
    """The answers of a revision, by question id (empty for no revision)."""
    if revision is None:
        return {}
    return {
        answer.question_id: AnswerData(answer.option_id, answer.expected_date, answer.comment)
        for answer in revision.answers.all()
    }


def diff_answers(
    questions: Iterable[Question],
    before: Mapping[int, AnswerData],
    after: Mapping[int, AnswerData],
) -> list[Change]:
    """The questions whose answer, date or comment differ, in question order."""
    empty = AnswerData()
    return [
        Change(question, before.get(question.pk, empty), after.get(question.pk, empty))
        for question in questions
        if before.get(question.pk, empty) != after.get(question.pk, empty)
    ]


def missing_answers(questions: Iterable[Question], answers: Mapping[int, AnswerData]):
    """Required questions without an answer, or without the date it asks for.

    Returns a list of (question, reason) with reason "answer" or "date".
    """
    options = {}
    missing = []
    for question in questions:
        for option in question.options.all():
            options[option.pk] = option
        answer = answers.get(question.pk, AnswerData())
        if question.is_required and answer.option_id is None:
            missing.append((question, "answer"))
        elif (
            answer.option_id in options
            and options[answer.option_id].asks_for_date
            and answer.expected_date is None
        ):
            missing.append((question, "date"))
    return missing


# Saving -------------------------------------------------------------------


def _questions(questionnaire):
    return list(questionnaire.questions.prefetch_related("options"))


def _conflict(response, base_revision, questions):
    base = response.revisions.filter(number=base_revision).first()
    current = response.current_revision
    changes = diff_answers(questions, answers_of(base), answers_of(current))
    return EditConflict(
        response=response,
        base_revision=base_revision,
        changes=changes,
        saved_by=current.created_by if current else None,
        saved_at=current.created_at if current else None,
    )


@transaction.atomic
def save_answers(
    *,
    municipality: Municipality,
    questionnaire: Questionnaire,
    answers: Mapping[int, AnswerData],
    base_revision: int,
    by,
    submit: bool = False,
) -> Revision | None:
    """Save a draft of the answers, or submit them; return the new revision.

    `base_revision` is the revision number the person started from (0 for
    a municipality without answers). If anyone saved since, nothing is
    written and EditConflict says what they changed. A submission must
    answer every required question (IncompleteAnswers otherwise), recomputes
    the score with the active weights, resets the review, and tells the wave
    planning once the transaction commits. Returns None when there was
    nothing new to save.
    """
    questions = _questions(questionnaire)
    question_ids = {question.pk for question in questions}
    valid_options = {
        option.pk: question.pk for question in questions for option in question.options.all()
    }
    for question_id, answer in answers.items():
        if question_id not in question_ids:
            raise ValidationError("Answer to a question of another questionnaire.", code="invalid")
        if answer.option_id is not None and valid_options.get(answer.option_id) != question_id:
            raise ValidationError("Option of another question.", code="invalid")
    answers = {qid: answer for qid, answer in answers.items() if not answer.is_empty}

    # Lock the row alone. On PostgreSQL a query that waited for the lock
    # re-reads the locked row but not rows joined to it: a joined current
    # revision saved by the other transaction came back empty (its
    # `created_by` None, a 500 for 11 of 240 simultaneous submits). The
    # revision is read after the lock, by a query of its own.
    response = (
        Response.objects.select_for_update()
        .filter(municipality=municipality, questionnaire=questionnaire)
        .first()
    )
    if response is None:
        if base_revision != 0:
            raise ValidationError("No such revision.", code="invalid")
        try:
            with transaction.atomic():
                response = Response.objects.create(
                    municipality=municipality, questionnaire=questionnaire
                )
        except IntegrityError:
            # Someone else saved the first answers a moment ago.
            response = Response.objects.get(municipality=municipality, questionnaire=questionnaire)
            raise _conflict(response, base_revision, questions) from None
    elif response.revision != base_revision:
        raise _conflict(response, base_revision, questions)

    if submit:
        missing = missing_answers(questions, answers)
        if missing:
            raise IncompleteAnswers(missing)

    current = answers_of(response.current_revision)
    unchanged = current == answers and response.current_revision is not None
    if unchanged and (
        not submit or response.current_revision_id == response.submitted_revision_id
    ):
        return None

    now = timezone.now()
    try:
        with transaction.atomic():
            revision = Revision.objects.create(
                response=response,
                number=response.revision + 1,
                kind=Revision.Kind.SUBMISSION if submit else Revision.Kind.DRAFT,
                created_at=now,
                created_by=by,
            )
    except IntegrityError:
        response.refresh_from_db()
        raise _conflict(response, base_revision, questions) from None
    Answer.objects.bulk_create(
        Answer(
            revision=revision,
            question_id=question_id,
            option_id=answer.option_id,
            expected_date=answer.expected_date,
            comment=answer.comment,
        )
        for question_id, answer in answers.items()
    )
    response.revision = revision.number
    response.current_revision = revision
    response.updated_at = now
    if submit:
        response.submitted_revision = revision
        response.submission_count += 1
        response.status = (
            ResponseStatus.SUBMITTED if response.submission_count == 1 else ResponseStatus.REVISED
        )
        response.first_submitted_at = response.first_submitted_at or now
        response.submitted_at = now
        response.review_status = ReviewStatus.PENDING
        response.review_comment = ""
        response.reviewed_at = None
        response.reviewed_by = None
        weight_set = questionnaire.active_weight_set()
        apply_score(response, questions, answers, weight_set, weights_of(weight_set), now)
    response._change_reason = (
        _("Submitted (revision %(n)s)") if submit else _("Draft saved (revision %(n)s)")
    ) % {"n": revision.number}
    response.save()
    return revision


# Scores -------------------------------------------------------------------


def question_specs(questions: Iterable[Question], weights: Mapping[int, int]):
    """The scored questions as the pure scoring module wants them."""
    return [
        scoring.QuestionSpec(
            key=question.key,
            label=question.localized("short_label"),
            weight=weights.get(question.pk, 0),
            raise_hint=question.localized("raise_hint"),
            options=tuple(
                scoring.OptionSpec(option.key, option.localized("label"), option.points)
                for option in question.options.all()
            ),
        )
        for question in questions
        if question.is_scored
    ]


def weights_of(weight_set) -> dict[int, int]:
    if weight_set is None:
        return {}
    return dict(weight_set.weights.values_list("question_id", "value"))


def score_answers(questions, answers: Mapping[int, AnswerData], weights: Mapping[int, int]):
    """The Score (with breakdown) of answers by question id."""
    options = {
        option.pk: option.key for question in questions for option in question.options.all()
    }
    by_key = {
        question.key: options.get(answers[question.pk].option_id)
        for question in questions
        if question.pk in answers
    }
    return scoring.compute_score(question_specs(questions, weights), by_key)


def _wish_of(questions, answers):
    for question in questions:
        if question.signal == Question.PlanningSignal.WISH and question.pk in answers:
            for option in question.options.all():
                if option.pk == answers[question.pk].option_id:
                    return option.wish_wave
    return None


def apply_score(response, questions, answers, weight_set, weights, now):
    """Set a response's score, weight set and wish from its submitted answers."""
    score = score_answers(questions, answers, weights)
    response.score = round(score.total, 2)
    response.weight_set = weight_set
    response.score_computed_at = now
    response.wish_wave = _wish_of(questions, answers)


def score_of_response(response, weight_set=None):
    """The Score of a response's latest submission, or None if never submitted."""
    if response is None or response.submitted_revision_id is None:
        return None
    questions = _questions(response.questionnaire)
    weight_set = weight_set or response.weight_set or response.questionnaire.active_weight_set()
    return score_answers(
        questions, answers_of(response.submitted_revision), weights_of(weight_set)
    )


@transaction.atomic
def set_weights(*, questionnaire: Questionnaire, values: Mapping[int, int], by, note=""):
    """Add a new weight set (question id -> weight) and recompute every score.

    Weight sets are never edited: the new one gets the next version number
    and becomes the active one. The recomputation of all scores runs as one
    Celery task once the transaction commits; it then tells the wave
    planning.
    """
    from . import tasks

    scored = {q.pk for q in questionnaire.questions.all() if q.is_scored}
    if set(values) != scored:
        raise ValidationError(_("Give a weight for every scored question."), code="incomplete")
    if any(value < 0 for value in values.values()) or not sum(values.values()):
        raise ValidationError(
            _("Weights are 0 or more, and at least one must be above 0."), code="invalid"
        )
    latest = questionnaire.weight_sets.select_for_update().order_by("-version").first()
    weight_set = WeightSet.objects.create(
        questionnaire=questionnaire,
        version=(latest.version if latest else 0) + 1,
        note=note,
        created_by=by,
    )
    Weight.objects.bulk_create(
        Weight(weight_set=weight_set, question_id=question_id, value=value)
        for question_id, value in values.items()
    )
    transaction.on_commit(lambda: tasks.recompute_scores.delay(weight_set.pk))
    return weight_set


@transaction.atomic
def recompute_scores(*, weight_set: WeightSet) -> int:
    """Recompute every submitted score of the questionnaire with `weight_set`.

    A fixed number of queries for any number of municipalities. Returns
    the number of scores written.
    """
    questionnaire = weight_set.questionnaire
    questions = _questions(questionnaire)
    weights = weights_of(weight_set)
    responses = list(
        Response.objects.submitted()
        .filter(questionnaire=questionnaire)
        .select_related("submitted_revision")
        .prefetch_related(
            Prefetch("submitted_revision__answers", queryset=Answer.objects.order_by())
        )
    )
    now = timezone.now()
    for response in responses:
        apply_score(
            response, questions, answers_of(response.submitted_revision), weight_set, weights, now
        )
    Response.objects.bulk_update(
        responses, ["score", "weight_set", "score_computed_at", "wish_wave"], batch_size=500
    )
    return len(responses)


# Review -------------------------------------------------------------------


def _project_managers(municipality):
    return [
        m.user
        for m in Membership.objects.filter(municipality=municipality, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
    ]


@transaction.atomic
def review_response(*, response: Response, decision: str, comment: str, by) -> Response:
    """Accept a submission or ask for clarification; e-mail the project managers."""
    if response.submitted_revision_id is None:
        raise ValidationError(
            _("Only a submitted response can be reviewed."), code="not_submitted"
        )
    if decision not in (ReviewStatus.ACCEPTED, ReviewStatus.CLARIFICATION):
        raise ValidationError(_("Choose accept or ask for clarification."), code="invalid")
    if decision == ReviewStatus.CLARIFICATION and not comment.strip():
        raise ValidationError(
            _("Say what needs clarifying: the project manager sees the comment."),
            code="comment_required",
        )
    response.review_status = decision
    response.review_comment = comment.strip()
    response.reviewed_by = by
    response.reviewed_at = timezone.now()
    response._change_reason = ReviewStatus(decision).label
    response.save()
    recipients = _project_managers(response.municipality)
    transaction.on_commit(lambda: _send_review_mail(response, recipients))
    return response


def _portal_url(name, *args):
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse(name, args=args)


def _send_review_mail(response, recipients):
    # The project managers work in Danish; the mail is written in Danish.
    with translation.override("da"):
        context = {
            "response": response,
            "municipality": response.municipality,
            "accepted": response.review_status == ReviewStatus.ACCEPTED,
            "url": _portal_url("readiness:form", response.municipality_id),
        }
        subject = render_to_string("readiness/email/review_subject.txt", context).strip()
        body = render_to_string("readiness/email/review_body.txt", context)
    for user in recipients:
        send_mail(subject, body, None, [user.email])


# Reminders ----------------------------------------------------------------


def reminder_due(questionnaire, today, days_before):
    """Whether reminders go out today: within `days_before` days of the deadline."""
    return 0 <= (questionnaire.deadline - today).days <= days_before


def send_reminders(*, today: datetime.date, days_before: int) -> dict:
    """E-mail the project managers of municipalities that have not submitted.

    Only within `days_before` days of the deadline (the deadline day
    included), one e-mail a day at most per person (listing all their
    municipalities that have not submitted), each recorded as a Reminder.
    """
    questionnaire = Questionnaire.objects.current()
    if questionnaire is None or not reminder_due(questionnaire, today, days_before):
        return {"sent": 0, "due": False}
    submitted = Response.objects.filter(
        questionnaire=questionnaire, submitted_revision__isnull=False
    ).values("municipality_id")
    memberships = (
        Membership.objects.filter(user__is_active=True)
        .exclude(user__email="")
        .exclude(municipality__in=submitted)
        .exclude(user__readiness_reminders__sent_on=today)
        .select_related("user", "municipality")
        .order_by("user_id", "municipality__short_name")
    )
    by_user = {}
    for membership in memberships:
        by_user.setdefault(membership.user, []).append(membership.municipality)
    sent = 0
    for user, municipalities in by_user.items():
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(
                    user=user, questionnaire=questionnaire, sent_on=today
                )
                reminder.municipalities.set(municipalities)
                _send_reminder_mail(user, municipalities, questionnaire, today)
        except IntegrityError:
            # Another run reminded this person today already.
            continue
        sent += 1
    logger.info("Readiness reminders sent to %s project manager(s)", sent)
    return {"sent": sent, "due": True}


def _send_reminder_mail(user, municipalities, questionnaire, today):
    with translation.override("da"):
        context = {
            "user": user,
            "municipalities": [(m, _portal_url("readiness:form", m.code)) for m in municipalities],
            "questionnaire": questionnaire,
            "days_left": (questionnaire.deadline - today).days,
        }
        subject = render_to_string("readiness/email/reminder_subject.txt", context).strip()
        body = render_to_string("readiness/email/reminder_body.txt", context)
    send_mail(subject, body, None, [user.email])


# Versions -----------------------------------------------------------------


@transaction.atomic
def copy_questionnaire(*, questionnaire: Questionnaire, by) -> Questionnaire:
    """A new, unanswered version with the same questions, options and weights.

    The way to change the questions or points of a frozen version: edit
    the copy, then make it current in the admin. Answers to the old version
    keep their meaning.
    """
    latest = Questionnaire.objects.order_by("-version").first()
    copy = Questionnaire.objects.create(
        version=latest.version + 1,
        title=questionnaire.title,
        title_en=questionnaire.title_en,
        introduction=questionnaire.introduction,
        introduction_en=questionnaire.introduction_en,
        deadline=questionnaire.deadline,
    )
    weights = weights_of(questionnaire.active_weight_set())
    copied_weights = {}
    for question in _questions(questionnaire):
        old_pk = question.pk
        options = list(question.options.all())
        question.pk = None
        question.questionnaire = copy
        question.save()
        if question.is_scored:
            copied_weights[question.pk] = weights.get(old_pk, 0)
        for option in options:
            option.pk = None
            option.question = question
            option.save()
    weight_set = WeightSet.objects.create(
        questionnaire=copy,
        version=1,
        note=_("Copied from version %(version)s") % {"version": questionnaire.version},
        created_by=by,
    )
    Weight.objects.bulk_create(
        Weight(weight_set=weight_set, question_id=question_id, value=value)
        for question_id, value in copied_weights.items()
    )
    return copy
