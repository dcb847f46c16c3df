"""The readiness questionnaire, its weights, and the municipalities' answers.

A `Questionnaire` version has ordered `Question`s with `AnswerOption`s
(points) and is frozen once anyone has answered it: changing a question or
its points means a new version, so old answers keep their meaning. Weights
live apart from the questions, in immutable, numbered `WeightSet`s: changing
weights makes a new set (who, when, why), and every score records the set it
was computed with.

A municipality's `Response` keeps every save as a numbered `Revision` with
its own `Answer` rows: the latest revision is the working copy (perhaps a
draft), the latest *submitted* one is what counts for the score and the wave
plan. The revision number doubles as the optimistic-concurrency token.

This app imports `municipalities` and nothing above it (never `waves`).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fmkrollout.localized import LocalizedTextMixin
from fmkrollout.text_limits import COMMENT, DESCRIPTION, text_field_options
from municipalities.models import Municipality


class FrozenQuestionnaireError(ValidationError):
    """Raised when something tries to change a version that has answers."""


class QuestionnaireQuerySet(models.QuerySet):
    def current(self):
        """The version project managers answer now (or None)."""
        return self.filter(is_current=True).first()


class Questionnaire(LocalizedTextMixin, models.Model):
    version = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("title (Danish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    introduction = models.TextField(
        _("introduction (Danish)"), blank=True, **text_field_options(DESCRIPTION)
    )
    introduction_en = models.TextField(
        _("introduction (English)"), blank=True, **text_field_options(DESCRIPTION)
    )
    deadline = models.DateField(
        _("deadline"), help_text=_("The date by which municipalities should submit.")
    )
    is_current = models.BooleanField(
        _("current"),
        default=False,
        help_text=_("The version project managers answer. Only one version can be current."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = QuestionnaireQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-version"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=Q(is_current=True),
                name="questionnaire_one_current",
            )
        ]

    def __str__(self):
        return f"{self.localized('title')} (v{self.version})"

    @property
    def localized_title(self):
        return self.localized("title")

    @property
    def localized_introduction(self):
        return self.localized("introduction")

    @property
    def is_frozen(self):
        """Answered versions are frozen: their questions and points are fixed."""
        if self.pk is None:
            return False
        return self.responses.exists()

    def active_weight_set(self):
        return self.weight_sets.order_by("-version").first()


class Question(LocalizedTextMixin, models.Model):
    class PlanningSignal(models.TextChoices):
        READINESS = "readiness", _("Readiness (scored)")
        WISH = "wish", _("Own wish for the wave (not scored)")

    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("questionnaire"),
    )
    key = models.SlugField(
        _("key"),
        max_length=40,
        help_text=_("A short, stable name used in exports and filters, e.g. 'eoj_budget'."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("question (Danish)"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    short_label = models.CharField(_("short label (Danish)"), max_length=60)
    short_label_en = models.CharField(_("short label (English)"), max_length=60, blank=True)
    help_text = models.TextField(_("help (Danish)"), blank=True, **text_field_options(COMMENT))
    help_text_en = models.TextField(_("help (English)"), blank=True, **text_field_options(COMMENT))
    signal = models.CharField(
        _("planning signal"),
        max_length=20,
        choices=PlanningSignal.choices,
        default=PlanningSignal.READINESS,
    )
    is_required = models.BooleanField(_("answer required"), default=True)
    raise_hint = models.CharField(
        _("what would raise the score (Danish)"),
        max_length=200,
        blank=True,
        help_text=_("Completes 'this would add N points', e.g. 'a budget for the EOJ upgrade'."),
    )
    raise_hint_en = models.CharField(
        _("what would raise the score (English)"), max_length=200, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["questionnaire", "order", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "key"], name="question_key_unique")
        ]

    def __str__(self):
        return self.localized("short_label") or self.key

    def save(self, *args, **kwargs):
        _refuse_if_frozen(self.questionnaire_id, self)
        super().save(*args, **kwargs)

    @property
    def is_scored(self):
        return self.signal == self.PlanningSignal.READINESS

    def clean(self):
        _refuse_if_frozen(self.questionnaire_id, self)

    def delete(self, *args, **kwargs):
        _refuse_if_frozen(self.questionnaire_id, self)
        return super().delete(*args, **kwargs)


class AnswerOption(LocalizedTextMixin, models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="options", verbose_name=_("question")
    )
    key = models.SlugField(_("key"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    label = models.CharField(_("answer (Danish)"), max_length=200)
    label_en = models.CharField(_("answer (English)"), max_length=200, blank=True)
    points = models.PositiveSmallIntegerField(
        _("points"),
        default=0,
        validators=[MaxValueValidator(100)],
        help_text=_("Points for this answer; the best answer to a question gets full marks."),
    )
    asks_for_date = models.BooleanField(
        _("asks for an expected date"),
        default=False,
        help_text=_("For 'being established / planned': when it is expected to be in place."),
    )
    wish_wave = models.PositiveSmallIntegerField(
        _("wished wave"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text=_("For the wish question: 1 = Q2 2014, 2 = Q3 2014, 3 = Q4 2014."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["question", "order", "pk"]
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")
        constraints = [
            models.UniqueConstraint(fields=["question", "key"], name="answer_option_key_unique")
        ]

    def __str__(self):
        return self.localized("label")

    def save(self, *args, **kwargs):
        _refuse_if_frozen(self._questionnaire_id(), self)
        super().save(*args, **kwargs)

    def _questionnaire_id(self):
        if self.question_id is None:
            return None
        return Question.objects.filter(pk=self.question_id).values_list(
            "questionnaire_id", flat=True
        )[0]

    def clean(self):
        _refuse_if_frozen(self._questionnaire_id(), self)

    def delete(self, *args, **kwargs):
        _refuse_if_frozen(self._questionnaire_id(), self)
        return super().delete(*args, **kwargs)


def _refuse_if_frozen(questionnaire_id, obj):
    if questionnaire_id is None:
        return
    if Response.objects.filter(questionnaire_id=questionnaire_id).exists():
        raise FrozenQuestionnaireError(
            _(
                "This questionnaire version has answers and is frozen: its questions and "
                "points cannot change. Copy it to a new version instead."
            ),
            code="frozen",
        )


class WeightSet(models.Model):
    """One numbered, immutable set of weights for a questionnaire version.

    The newest set is the active one. Changing weights means adding a set,
    so the sets themselves are the history of who changed what and when.
    """

    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.PROTECT,
        related_name="weight_sets",
        verbose_name=_("questionnaire"),
    )
    version = models.PositiveIntegerField(_("version"))
    note = models.CharField(
        _("reason for the change"),
        max_length=300,
        blank=True,
        help_text=_("Why the weights changed; shown in the history."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["questionnaire", "-version"]
        verbose_name = _("weight set")
        verbose_name_plural = _("weight sets")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "version"], name="weight_set_version_unique"
            )
        ]

    def __str__(self):
        return _("Weights v%(version)s") % {"version": self.version}


class Weight(models.Model):
    weight_set = models.ForeignKey(
        WeightSet, on_delete=models.CASCADE, related_name="weights", verbose_name=_("weight set")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="weights", verbose_name=_("question")
    )
    value = models.PositiveSmallIntegerField(
        _("weight"),
        validators=[MaxValueValidator(100)],
        help_text=_(
            "Relative importance: a question with weight 3 counts three times one with 1."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["weight_set", "question__order"]
        verbose_name = _("weight")
        verbose_name_plural = _("weights")
        constraints = [
            models.UniqueConstraint(fields=["weight_set", "question"], name="weight_unique")
        ]

    def __str__(self):
        return f"{self.question}: {self.value}"


class ResponseStatus(models.TextChoices):
    """Where a municipality stands; "not started" means it has no response."""

    NOT_STARTED = "not_started", _("Not started")
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    REVISED = "revised", _("Revised after submission")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    ACCEPTED = "accepted", _("Accepted")
    CLARIFICATION = "clarification", _("Clarification requested")


class ResponseQuerySet(models.QuerySet):
    def for_questionnaire(self, questionnaire):
        return self.filter(questionnaire=questionnaire)

    def submitted(self):
        return self.filter(submitted_revision__isnull=False)


class Response(models.Model):
    """A municipality's answers to one questionnaire version.

    `status`, `score`, `weight_set` and `wish_wave` describe the latest
    *submitted* revision; `revision` is the number of the latest save of any
    kind and is what a form must send back to save (optimistic concurrency).
    """

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="readiness_responses",
        verbose_name=_("municipality"),
    )
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.PROTECT,
        related_name="responses",
        verbose_name=_("questionnaire"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=[c for c in ResponseStatus.choices if c[0] != ResponseStatus.NOT_STARTED],
        default=ResponseStatus.DRAFT,
    )
    revision = models.PositiveIntegerField(_("revision"), default=0)
    current_revision = models.ForeignKey(
        "Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("latest revision"),
    )
    submitted_revision = models.ForeignKey(
        "Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("latest submitted revision"),
    )
    submission_count = models.PositiveIntegerField(_("submissions"), default=0)
    first_submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("last submitted"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last saved"), null=True, blank=True)
    score = models.FloatField(
        _("score"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    weight_set = models.ForeignKey(
        WeightSet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responses",
        verbose_name=_("weight set of the score"),
    )
    score_computed_at = models.DateTimeField(_("score computed"), null=True, blank=True)
    wish_wave = models.PositiveSmallIntegerField(
        _("wished wave"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
    )
    review_status = models.CharField(
        _("review"), max_length=20, choices=ReviewStatus.choices, blank=True
    )
    review_comment = models.TextField(
        _("review comment"), blank=True, **text_field_options(COMMENT)
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Made up by seed_demo; not a real answer.")
    )

    objects = ResponseQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["current_revision", "updated_at"])

    class Meta:
        ordering = ["municipality"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "questionnaire"], name="response_unique"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="response_score_range",
            ),
            models.CheckConstraint(
                condition=Q(wish_wave__isnull=True) | Q(wish_wave__gte=1, wish_wave__lte=3),
                name="response_wish_wave_range",
            ),
        ]

    def __str__(self):
        return f"{self.municipality} – {self.questionnaire}"

    def get_absolute_url(self):
        return reverse("readiness:form", args=[self.municipality_id])

    @property
    def has_unsubmitted_changes(self):
        """Saved as a draft since the last submission."""
        return self.submitted_revision_id is not None and (
            self.current_revision_id != self.submitted_revision_id
        )


class Revision(models.Model):
    """One save of a response: a draft or a submission, with all its answers."""

    class Kind(models.TextChoices):
        DRAFT = "draft", _("Draft saved")
        SUBMISSION = "submission", _("Submitted")

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("response")
    )
    number = models.PositiveIntegerField(_("revision"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(_("saved"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("saved by"),
    )

    class Meta:
        ordering = ["response", "-number"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        constraints = [
            models.UniqueConstraint(fields=["response", "number"], name="revision_number_unique")
        ]

    def __str__(self):
        return f"{self.response} #{self.number}"


class Answer(models.Model):
    """One question's answer in one revision; never changed once written."""

    revision = models.ForeignKey(
        Revision, on_delete=models.CASCADE, related_name="answers", verbose_name=_("revision")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question")
    )
    option = models.ForeignKey(
        AnswerOption,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="answers",
        verbose_name=_("answer"),
    )
    expected_date = models.DateField(_("expected date"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True, **text_field_options(COMMENT))

    class Meta:
        ordering = ["revision", "question__order"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["revision", "question"], name="answer_unique")
        ]

    def __str__(self):
        return f"{self.question}: {self.option or '–'}"


class Reminder(models.Model):
    """A reminder e-mail sent to a project manager; at most one a day each."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="readiness_reminders",
        verbose_name=_("recipient"),
    )
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("questionnaire"),
    )
    sent_on = models.DateField(_("sent on"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    municipalities = models.ManyToManyField(
        Municipality, related_name="+", verbose_name=_("municipalities reminded of")
    )

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["user", "sent_on"], name="reminder_once_a_day")
        ]

    def __str__(self):
        return f"{self.user} {self.sent_on}"
