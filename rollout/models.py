"""The rollout itself: the implementation template and each municipality's tasks.

The template is data: a `TemplateVersion` has `Phase`s with `TaskTemplate`s
(milestone, due-date rule relative to the wave, help and links), in Danish
and English. A version in use is frozen; changes go into a copy (as the
readiness questionnaire). Each municipality in the published wave plan has
one `Implementation` with a `Task` per template task; every change of a
task is kept by simple_history (who, when, why).

The programme's own frame lives here too: its periods and milestones for
the timeline (`ProgrammePeriod`), its `Precondition`s, the project
managers' `SparringRequest`s and the coordinators' `Escalation`s, which are
recorded as a decision of the programme group in the governance app.

This app imports `waves`, `readiness`, `municipalities` and `governance`;
none of them imports it (the implementations are derived state, see
`services.sync_with_published_plan`).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fmkrollout.localized import LocalizedTextMixin
from municipalities.models import Municipality


class Milestone(models.TextChoices):
    M1 = "M1", _("M1: technical rollout done")
    M2 = "M2", _("M2: organisational implementation done")


class FrozenTemplateError(ValidationError):
    """Raised when something tries to change a template version in use."""


class TemplateVersionQuerySet(models.QuerySet):
    def current(self):
        """The version new implementations are created from (or None)."""
        return self.filter(is_current=True).first()


class TemplateVersion(LocalizedTextMixin, models.Model):
    version = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("title (Danish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    source = models.CharField(
        _("source"),
        max_length=300,
        blank=True,
        help_text=_("The guide the tasks follow, e.g. MedCom's implementation guide."),
    )
    is_current = models.BooleanField(
        _("current"),
        default=False,
        help_text=_("New implementations use this version. Only one version can be current."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = TemplateVersionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-version"]
        verbose_name = _("implementation template")
        verbose_name_plural = _("implementation templates")
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=Q(is_current=True),
                name="rollout_template_one_current",
            )
        ]

    def __str__(self):
        return f"{self.localized('title')} (v{self.version})"

    @property
    def is_frozen(self):
        """A version that municipalities work from is frozen."""
        if self.pk is None:
            return False
        return self.implementations.exists()


def _refuse_if_frozen(template_id):
    if template_id is None:
        return
    if Implementation.objects.filter(template_id=template_id).exists():
        raise FrozenTemplateError(
            _(
                "This template version is in use by municipalities and is frozen: its "
                "phases and tasks cannot change. Copy it to a new version instead."
            ),
            code="frozen",
        )


class FrozenWhenInUse(models.Model):
    """Phases and tasks of a template in use refuse to change or go."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        _refuse_if_frozen(self._template_id())
        super().save(*args, **kwargs)

    def _template_id(self):
        raise NotImplementedError

    def clean(self):
        _refuse_if_frozen(self._template_id())

    def delete(self, *args, **kwargs):
        _refuse_if_frozen(self._template_id())
        return super().delete(*args, **kwargs)


class Phase(LocalizedTextMixin, FrozenWhenInUse):
    template = models.ForeignKey(
        TemplateVersion,
        on_delete=models.CASCADE,
        related_name="phases",
        verbose_name=_("template"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name (Danish)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    description = models.TextField(_("description (Danish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["template", "number"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [
            models.UniqueConstraint(
                fields=["template", "number"], name="rollout_phase_number_unique"
            )
        ]

    def __str__(self):
        return f"{self.number}. {self.localized('name')}"

    def _template_id(self):
        return self.template_id

    @property
    def localized_name(self):
        return self.localized("name")

    @property
    def localized_description(self):
        return self.localized("description")


class TaskTemplate(LocalizedTextMixin, FrozenWhenInUse):
    """One task of the template, with the rule for its due date."""

    class Anchor(models.TextChoices):
        WAVE_START = "wave_start", _("the wave starts")
        WAVE_END = "wave_end", _("the wave ends")

    class Checklist(models.TextChoices):
        IMPLEMENTATION = "implementation", _("implementation")
        MEDICATION_CARDS = "medication_cards", _("preparing the medication cards")

    phase = models.ForeignKey(
        Phase, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("phase")
    )
    key = models.SlugField(
        _("key"),
        max_length=60,
        help_text=_("A short, stable name, the same in every version, e.g. 'eoj-upgrade'."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("task (Danish)"), max_length=200)
    title_en = models.CharField(_("task (English)"), max_length=200, blank=True)
    help_text = models.TextField(_("help (Danish)"), blank=True)
    help_text_en = models.TextField(_("help (English)"), blank=True)
    milestone = models.CharField(
        _("milestone"),
        max_length=2,
        choices=Milestone.choices,
        blank=True,
        help_text=_("The milestone this task counts towards; empty for none."),
    )
    checklist = models.CharField(
        _("checklist"),
        max_length=20,
        choices=Checklist.choices,
        default=Checklist.IMPLEMENTATION,
    )
    due_anchor = models.CharField(
        _("due relative to"), max_length=20, choices=Anchor.choices, default=Anchor.WAVE_START
    )
    due_offset_days = models.SmallIntegerField(
        _("days after (negative: before)"),
        default=0,
        help_text=_("E.g. -14: two weeks before; 91: a quarter after."),
    )
    # [{"label": ..., "label_en": ..., "url": ...}]: MedCom's support material.
    links = models.JSONField(_("links to support material"), default=list, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["phase__number", "order", "pk"]
        verbose_name = _("template task")
        verbose_name_plural = _("template tasks")
        constraints = [
            models.UniqueConstraint(fields=["phase", "key"], name="rollout_task_template_key")
        ]

    def __str__(self):
        return self.localized("title")

    def _template_id(self):
        if self.phase_id is None:
            return None
        return Phase.objects.filter(pk=self.phase_id).values_list("template_id", flat=True)[0]

    @property
    def localized_title(self):
        return self.localized("title")

    @property
    def localized_help(self):
        return self.localized("help_text")

    def due_for(self, wave):
        """The due date this rule gives in `wave`."""
        anchor = wave.starts_on if self.due_anchor == self.Anchor.WAVE_START else wave.ends_on
        return anchor + datetime.timedelta(days=self.due_offset_days)

    @property
    def rule_label(self):
        """The rule in words: "14 days before the wave starts"."""
        anchor = self.get_due_anchor_display()
        days = self.due_offset_days
        if days == 0:
            return _("when %(anchor)s") % {"anchor": anchor}
        if days < 0:
            return _("%(days)s days before %(anchor)s") % {"days": -days, "anchor": anchor}
        return _("%(days)s days after %(anchor)s") % {"days": days, "anchor": anchor}

    def localized_links(self):
        english = (get_language() or "da").startswith("en")
        return [
            {
                "label": (link.get("label_en") if english else None) or link.get("label", ""),
                "url": link.get("url", ""),
            }
            for link in self.links or []
        ]


class ImplementationQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(municipality__in=Municipality.objects.visible_to(user))


class Implementation(models.Model):
    """A municipality's implementation of FMK: its wave and its tasks.

    M1 and M2 are reached when every task of the milestone is done or not
    relevant; the dates are kept here (the latest done date of those tasks)
    and refreshed by every task change, so lists never count tasks for it.
    """

    municipality = models.OneToOneField(
        Municipality,
        on_delete=models.CASCADE,
        related_name="implementation",
        verbose_name=_("municipality"),
    )
    template = models.ForeignKey(
        TemplateVersion,
        on_delete=models.PROTECT,
        related_name="implementations",
        verbose_name=_("template version"),
    )
    wave = models.ForeignKey(
        "waves.Wave", on_delete=models.PROTECT, related_name="+", verbose_name=_("wave")
    )
    plan = models.ForeignKey(
        "waves.WavePlan",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from the wave plan"),
    )
    m1_reached_on = models.DateField(_("M1 reached"), null=True, blank=True)
    m2_reached_on = models.DateField(_("M2 reached"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = ImplementationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["municipality__short_name"]
        verbose_name = _("implementation")
        verbose_name_plural = _("implementations")

    def __str__(self):
        return str(self.municipality)

    def get_absolute_url(self):
        return reverse("rollout:municipality", args=[self.municipality_id])


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    NOT_RELEVANT = "not_relevant", _("not relevant")
    BLOCKED = "blocked", _("blocked")


CLOSED_STATUSES = (TaskStatus.DONE, TaskStatus.NOT_RELEVANT)
REASON_STATUSES = (TaskStatus.NOT_RELEVANT, TaskStatus.BLOCKED)


class TaskQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=CLOSED_STATUSES)

    def overdue(self, today):
        return self.open().filter(due_on__lt=today)

    def for_checklist(self):
        return self.select_related("template__phase", "updated_by").order_by(
            "template__phase__number", "template__order", "template_id"
        )


class Task(models.Model):
    implementation = models.ForeignKey(
        Implementation,
        on_delete=models.CASCADE,
        related_name="tasks",
        verbose_name=_("implementation"),
    )
    template = models.ForeignKey(
        TaskTemplate, on_delete=models.PROTECT, related_name="+", verbose_name=_("task")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    reason = models.CharField(
        _("reason"),
        max_length=500,
        blank=True,
        help_text=_("Why the task is not relevant, or what blocks it."),
    )
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    due_on = models.DateField(_("due"))
    due_overridden = models.BooleanField(_("due date set by hand"), default=False)
    due_override_reason = models.CharField(
        _("reason for the due date"), max_length=300, blank=True
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    # The optimistic-concurrency token: a save names the version it read.
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )

    objects = TaskQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["implementation", "template__phase__number", "template__order"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.UniqueConstraint(
                fields=["implementation", "template"], name="rollout_task_once"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=REASON_STATUSES) | ~Q(reason=""),
                name="rollout_task_reason_when_needed",
            ),
            models.CheckConstraint(
                condition=~Q(status=TaskStatus.DONE) | Q(done_on__isnull=False),
                name="rollout_task_done_has_date",
            ),
            models.CheckConstraint(
                condition=Q(due_overridden=False) | ~Q(due_override_reason=""),
                name="rollout_task_override_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self):
        return f"{self.implementation}: {self.template}"

    @property
    def is_open(self):
        return self.status not in CLOSED_STATUSES

    def is_overdue(self, today):
        return self.is_open and self.due_on < today

    def days_overdue(self, today):
        return (today - self.due_on).days if self.is_overdue(today) else 0


class WaveChange(models.Model):
    """A re-published plan moved a municipality to another wave: its open
    due dates followed (those set by hand stayed)."""

    implementation = models.ForeignKey(
        Implementation,
        on_delete=models.CASCADE,
        related_name="wave_changes",
        verbose_name=_("implementation"),
    )
    plan = models.ForeignKey(
        "waves.WavePlan",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("wave plan"),
    )
    from_wave = models.ForeignKey(
        "waves.Wave", on_delete=models.PROTECT, related_name="+", verbose_name=_("from wave")
    )
    to_wave = models.ForeignKey(
        "waves.Wave", on_delete=models.PROTECT, related_name="+", verbose_name=_("to wave")
    )
    moved_tasks = models.PositiveSmallIntegerField(_("due dates moved"), default=0)
    kept_tasks = models.PositiveSmallIntegerField(_("due dates set by hand, kept"), default=0)
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("change of wave")
        verbose_name_plural = _("changes of wave")

    def __str__(self):
        return f"{self.implementation}: {self.from_wave} → {self.to_wave}"


class RolloutState(models.Model):
    """One row (pk 1): which published plan the implementations follow, and
    the demo's reference date.

    `demo_as_of` is set only by seed_demo (which refuses to run without
    DEBUG): the demo is set in 2014–2015, so its "today" is a date then.
    Without it (production) every page uses the real date.
    """

    synced_plan = models.ForeignKey(
        "waves.WavePlan",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last synchronised plan"),
    )
    synced_at = models.DateTimeField(_("synchronised"), null=True, blank=True)
    demo_as_of = models.DateField(_("demo reference date"), null=True, blank=True)

    class Meta:
        verbose_name = _("rollout state")
        verbose_name_plural = _("rollout state")

    def __str__(self):
        return str(_("Rollout state"))


class ProgrammePeriod(LocalizedTextMixin, models.Model):
    """A period or milestone of the programme's timeline (mobilisation, the
    integration project, implementation, M1, M2)."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name = models.CharField(_("name (Danish)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends, or the milestone's date"))
    milestone = models.CharField(
        _("milestone"), max_length=2, choices=Milestone.choices, blank=True
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "key"]
        verbose_name = _("programme period")
        verbose_name_plural = _("programme periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="rollout_period_ends_after_start",
            )
        ]

    def __str__(self):
        return self.localized("name")


class Precondition(LocalizedTextMixin, models.Model):
    """A programme precondition (the integration project is finished, …)."""

    class Status(models.TextChoices):
        NOT_MET = "not_met", _("not met")
        IN_PROGRESS = "in_progress", _("in progress")
        MET = "met", _("met")

    key = models.SlugField(_("key"), max_length=40, unique=True)
    title = models.CharField(_("precondition (Danish)"), max_length=200)
    title_en = models.CharField(_("precondition (English)"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_MET
    )
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    expected_on = models.DateField(
        _("expected met by"),
        null=True,
        blank=True,
        help_text=_("A wave that starts before this date, while it is unmet, is at risk."),
    )
    met_on = models.DateField(_("met on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "key"]
        verbose_name = _("precondition")
        verbose_name_plural = _("preconditions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="met") | Q(met_on__isnull=False),
                name="rollout_precondition_met_has_date",
            )
        ]

    def __str__(self):
        return self.localized("title")

    @property
    def is_met(self):
        return self.status == self.Status.MET

    def puts_at_risk(self, wave):
        """Whether this precondition puts `wave` at risk: unmet, and expected
        only after the wave starts (or with no date at all)."""
        if self.is_met:
            return False
        return self.expected_on is None or self.expected_on > wave.starts_on


class SparringRequest(models.Model):
    """A project manager asks MedCom/KL for support."""

    class Topic(models.TextChoices):
        GUIDE = "guide", _("the implementation guide")
        WORK_PROCESSES = "work_processes", _("work processes")
        GP_AGREEMENT = "gp_agreement", _("the agreement with the GPs")
        TECHNICAL = "technical", _("technical sparring")
        ORGANISATIONAL = "organisational", _("organisational sparring")
        MEDICATION_CARDS = "medication_cards", _("preparing the medication cards")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ANSWERED = "answered", _("answered")

    implementation = models.ForeignKey(
        Implementation,
        on_delete=models.CASCADE,
        related_name="sparring_requests",
        verbose_name=_("implementation"),
    )
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)
    message = models.TextField(_("what you need"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("sparring request")
        verbose_name_plural = _("sparring requests")

    def __str__(self):
        return f"{self.implementation}: {self.get_topic_display()}"


class Escalation(models.Model):
    """A municipality's deviation, escalated to the programme group.

    Recorded in the governance app as an "escalated" decision of a
    programme group meeting, which links back here.
    """

    implementation = models.ForeignKey(
        Implementation,
        on_delete=models.CASCADE,
        related_name="escalations",
        verbose_name=_("implementation"),
    )
    deviation = models.TextField(_("deviation"))
    # A decision deleted in the governance app leaves the escalation (what
    # was escalated, by whom, when) without its link.
    decision = models.OneToOneField(
        "governance.Decision",
        on_delete=models.SET_NULL,
        null=True,
        related_name="rollout_escalation",
        verbose_name=_("decision in the programme group"),
    )
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("escalated by"),
    )
    escalated_at = models.DateTimeField(_("escalated"), auto_now_add=True)

    class Meta:
        ordering = ["-escalated_at", "-pk"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")

    def __str__(self):
        # Named by municipality and day, not by a cut-off piece of the
        # deviation: the title reads whole in either language, and the
        # deviation is shown in full on the page.
        if self.escalated_at is None:
            return str(self.implementation)
        return _("%(implementation)s, escalated %(date)s") % {
            "implementation": self.implementation,
            "date": date_format(timezone.localdate(self.escalated_at), "SHORT_DATE_FORMAT"),
        }
