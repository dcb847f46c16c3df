"""The FMK governance: parties, fora, their members, meetings and decisions,
and the wishes that travel from a user group to the roadmap.

Parties, fora and the support contact are shipped data (fixtures/,
`governance.reference`), in Danish with English translations; people,
memberships, meetings, decisions and wishes are entered by coordinators.
A wish's status changes only through `governance.services`, which asks
`governance.wish_flow` whether the step is allowed and records it.

This app imports `municipalities` only. Other apps may point at a
`Decision` (a wave plan's publication citing the decision behind it);
nothing here points at them.
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fmkrollout.text_limits import COMMENT, DESCRIPTION, DOCUMENT, text_field_options

from . import wish_flow
from .attachments import detect_type, validate_attachment


class LocalizedMixin:
    """Shipped rows carry Danish and English text side by side (`name_da`,
    `name_en`); `localized("name")` gives the one for the active language,
    falling back to Danish."""

    def localized(self, field):
        if (get_language() or "da").startswith("en"):
            return getattr(self, f"{field}_en") or getattr(self, f"{field}_da")
        return getattr(self, f"{field}_da")


class Party(LocalizedMixin, models.Model):
    """One of the eight parties to the FMK programme, e.g. KL for the
    municipalities."""

    slug = models.SlugField(_("key"), max_length=40, unique=True)
    name_da = models.CharField(_("name (Danish)"), max_length=100, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    description_da = models.CharField(
        _("description (Danish)"),
        max_length=200,
        help_text=_("Whom the party speaks for, in the source's words."),
    )
    description_en = models.CharField(_("description (English)"), max_length=200)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "name_da"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.localized("name")

    @property
    def description(self):
        return self.localized("description")


class ForumQuerySet(models.QuerySet):
    def for_overview(self):
        """The fora with what the overview and its diagram show, in a fixed
        number of queries: parent, parties, and current members per party."""
        today = timezone.localdate()
        return self.select_related("reports_to", "escalates_to").prefetch_related(
            "parties",
            models.Prefetch(
                "memberships",
                queryset=ForumMembership.objects.current(today).select_related("party"),
                to_attr="current_memberships",
            ),
        )


class Forum(LocalizedMixin, models.Model):
    """A governance forum: its mandate, kind and place in the hierarchy."""

    class Kind(models.TextChoices):
        BOARD = "board", _("board")
        STEERING_GROUP = "steering_group", _("steering group")
        COORDINATION_GROUP = "coordination_group", _("coordination group")
        USER_GROUP = "user_group", _("user group")
        TECHNICAL_GROUP = "technical_group", _("technical group")
        ADVISORY_BOARD = "advisory_board", _("advisory board (CAB)")
        OPERATIONS_GROUP = "operations_group", _("operations group")
        PROGRAMME_GROUP = "programme_group", _("programme group")

    class Track(models.TextChoices):
        # The source's two governance documents: one for system management,
        # one for the programme and its projects.
        SYSTEM_MANAGEMENT = "system_management", _("system management")
        PROGRAMME = "programme", _("programme")

    slug = models.SlugField(_("key"), max_length=60, unique=True)
    name_da = models.CharField(_("name (Danish)"), max_length=200, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    short_name_da = models.CharField(_("short name (Danish)"), max_length=60)
    short_name_en = models.CharField(_("short name (English)"), max_length=60)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    track = models.CharField(_("track"), max_length=30, choices=Track.choices)
    mandate_da = models.TextField(_("mandate (Danish)"), **text_field_options(DESCRIPTION))
    mandate_en = models.TextField(_("mandate (English)"), **text_field_options(DESCRIPTION))
    reports_to = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reporting_fora",
        verbose_name=_("reports to"),
    )
    escalates_to = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalating_fora",
        verbose_name=_("escalates critical deviations to"),
    )
    coordinates_with = models.ManyToManyField(
        "self", blank=True, verbose_name=_("coordinates with")
    )
    parties = models.ManyToManyField(
        Party, related_name="fora", blank=True, verbose_name=_("parties represented")
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ForumQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name_da"]
        verbose_name = _("forum")
        verbose_name_plural = _("fora")
        constraints = [
            models.CheckConstraint(
                condition=~Q(reports_to=models.F("pk")), name="forum_not_own_parent"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("governance:forum-detail", args=[self.slug])

    @property
    def name(self):
        return self.localized("name")

    @property
    def short_name(self):
        return self.localized("short_name")

    @property
    def mandate(self):
        return self.localized("mandate")


class SupportContact(LocalizedMixin, models.Model):
    """The organisational contact of the source page (a service desk, never
    a person)."""

    slug = models.SlugField(_("key"), max_length=40, unique=True)
    name_da = models.CharField(_("name (Danish)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    organisation = models.CharField(_("organisation"), max_length=100)
    hours_da = models.CharField(_("opening hours (Danish)"), max_length=100)
    hours_en = models.CharField(_("opening hours (English)"), max_length=100)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=30)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("support contact")
        verbose_name_plural = _("support contacts")

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.localized("name")

    @property
    def hours(self):
        return self.localized("hours")


class Person(models.Model):
    """Someone who sits in one or more fora. Entered by coordinators; the
    shipped data holds no people."""

    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return f"{self.name} ({self.organisation})" if self.organisation else self.name


class ForumMembershipQuerySet(models.QuerySet):
    def current(self, on=None):
        """Memberships running on the day `on` (today by default)."""
        on = on or timezone.localdate()
        return self.filter(Q(start_date__lte=on), Q(end_date__isnull=True) | Q(end_date__gte=on))

    def past(self, on=None):
        on = on or timezone.localdate()
        return self.filter(end_date__lt=on)


class ForumMembership(models.Model):
    """A person's seat in a forum, for a party, in a role, for a period."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("chair")
        MEMBER = "member", _("member")
        SECRETARY = "secretary", _("secretary")
        OBSERVER = "observer", _("observer")

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person")
    )
    forum = models.ForeignKey(
        Forum, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("forum")
    )
    party = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("representing"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), null=True, blank=True, help_text=_("Empty: ongoing."))

    objects = ForumMembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["forum", "party__position", "person__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="forum_membership_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["person", "forum", "start_date"], name="forum_membership_unique_start"
            ),
        ]

    def __str__(self):
        return f"{self.person.name} – {self.forum.short_name} ({self.get_role_display()})"

    def is_current(self, on=None):
        on = on or timezone.localdate()
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)


class Meeting(models.Model):
    """A meeting of a forum, with its agenda and minutes."""

    forum = models.ForeignKey(
        Forum, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("forum")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True, **text_field_options(DOCUMENT))
    minutes = models.TextField(_("minutes"), blank=True, **text_field_options(DOCUMENT))
    # A stable identifier for calendar clients: the feed's UID survives
    # moving the meeting.
    calendar_uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_at"]
        get_latest_by = "starts_at"
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
            )
        ]
        indexes = [models.Index(fields=["forum", "starts_at"])]

    def __str__(self):
        when = date_format(timezone.localtime(self.starts_at), "SHORT_DATE_FORMAT")
        return f"{self.forum.short_name} {when}"

    def get_absolute_url(self):
        return reverse("governance:meeting-detail", args=[self.pk])


def attachment_path(attachment, filename):
    # A random folder: the name alone never reveals or guesses a file.
    suffix = PurePath(filename).suffix.lower()
    return f"governance/meetings/{uuid.uuid4().hex}/{attachment.kind}{suffix}"


class MeetingAttachment(models.Model):
    """A file belonging to a meeting: agenda, minutes, an appendix."""

    class Kind(models.TextChoices):
        AGENDA = "agenda", _("agenda")
        MINUTES = "minutes", _("minutes")
        APPENDIX = "appendix", _("appendix")
        PRESENTATION = "presentation", _("presentation")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("meeting")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"),
        upload_to=attachment_path,
        max_length=200,
        validators=[validate_attachment],
        help_text=_("PDF, Word, Excel, PowerPoint, OpenDocument, PNG or JPEG, without macros."),
    )
    original_name = models.CharField(_("original file name"), max_length=200, editable=False)
    size = models.PositiveIntegerField(_("size (bytes)"), editable=False, default=0)
    content_type = models.CharField(_("content type"), max_length=100, editable=False)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["meeting", "kind", "title"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # The validator has already checked the content; record what it
        # found, so the download is served with the right type.
        if self.file and not self.file._committed:
            self.original_name = PurePath(self.file.name).name[:200]
            self.size = self.file.size
            self.content_type = detect_type(self.file).content_type
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("governance:attachment-download", args=[self.pk])


class Decision(models.Model):
    """A decision taken in a meeting.

    It may be about a wish (then a `WishTransition` points here) or about
    anything else; other apps cite a decision by pointing at it.
    """

    class Kind(models.TextChoices):
        APPROVED = "approved", _("approved")
        PRIORITISED = "prioritised", _("prioritised")
        REJECTED = "rejected", _("rejected")
        POSTPONED = "postponed", _("postponed")
        ESCALATED = "escalated", _("escalated")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("meeting")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=300)
    text = models.TextField(_("decision"), blank=True, **text_field_options(DESCRIPTION))
    # Where another part of the portal follows the matter up (a
    # municipality's rollout page, say): the decision links there without
    # this app knowing the other.
    follow_up_url = models.CharField(
        _("followed up at"),
        max_length=300,
        blank=True,
        help_text=_("A page of the portal, e.g. /udrulning/461/."),
        # Only the portal's own pages: never another site or a script.
        validators=[RegexValidator(r"^/[\w/.-]*$", _("A path in the portal, starting with /."))],
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-meeting__starts_at", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self):
        return f"{self.get_kind_display().capitalize()}: {self.subject}"


STATUS_CHOICES = [(state.value, state.label) for state in wish_flow.State]


class WishQuerySet(models.QuerySet):
    def on_roadmap(self):
        return self.filter(
            status__in=wish_flow.ROADMAP_STATES, roadmap_year__isnull=False
        ).select_related("origin_forum")


class Wish(models.Model):
    """A wish (ønske) for new or changed FMK functionality.

    Its status is written only by `services.apply_transition`; the admin
    and the forms show it read-only.
    """

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), **text_field_options(DESCRIPTION))
    origin_forum = models.ForeignKey(
        Forum,
        on_delete=models.PROTECT,
        related_name="raised_wishes",
        verbose_name=_("raised in"),
        limit_choices_to={"kind__in": wish_flow.ORIGIN_FORUM_KINDS},
    )
    is_technical = models.BooleanField(
        _("technical change"),
        default=False,
        help_text=_("Technical changes are assessed by FMK CAB before they can be prioritised."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=STATUS_CHOICES,
        default=wish_flow.State.RAISED.value,
        editable=False,
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), null=True, blank=True, help_text=_("1 is the most important.")
    )
    roadmap_year = models.PositiveSmallIntegerField(_("roadmap year"), null=True, blank=True)
    roadmap_quarter = models.PositiveSmallIntegerField(_("roadmap quarter"), null=True, blank=True)
    raised_on = models.DateField(_("raised on"), default=timezone.localdate)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = WishQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-raised_on", "-pk"]
        verbose_name = _("wish")
        verbose_name_plural = _("wishes")
        constraints = [
            models.CheckConstraint(
                condition=Q(roadmap_year__isnull=True, roadmap_quarter__isnull=True)
                | Q(
                    roadmap_year__gte=2000,
                    roadmap_year__lte=2100,
                    roadmap_quarter__gte=1,
                    roadmap_quarter__lte=4,
                ),
                name="wish_roadmap_quarter_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in wish_flow.State]),
                name="wish_status_known",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def get_absolute_url(self):
        return reverse("governance:wish-detail", args=[self.pk])

    @property
    def reference(self):
        return f"Ø-{self.pk:04d}" if self.pk else "Ø-ny"

    @property
    def state(self):
        return wish_flow.State(self.status)

    @property
    def roadmap_label(self):
        if self.roadmap_year is None:
            return ""
        return wish_flow.Quarter(self.roadmap_year, self.roadmap_quarter).label

    def allowed_transitions(self):
        return wish_flow.allowed_transitions(self.state, is_technical=self.is_technical)


class WishTransition(models.Model):
    """One step of a wish through the flow: who, when, in which meeting, why."""

    wish = models.ForeignKey(
        Wish, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("wish")
    )
    name = models.CharField(
        _("step"),
        max_length=30,
        choices=[(t.name, t.label) for t in wish_flow.TRANSITIONS.values()],
    )
    from_status = models.CharField(_("from"), max_length=20, blank=True, choices=STATUS_CHOICES)
    to_status = models.CharField(_("to"), max_length=20, choices=STATUS_CHOICES)
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="wish_transitions",
        verbose_name=_("meeting"),
    )
    decision = models.OneToOneField(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="wish_transition",
        verbose_name=_("decision"),
    )
    reason = models.TextField(_("reason"), blank=True, **text_field_options(COMMENT))
    roadmap_year = models.PositiveSmallIntegerField(_("roadmap year"), null=True, blank=True)
    roadmap_quarter = models.PositiveSmallIntegerField(_("roadmap quarter"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["wish", "recorded_at", "pk"]
        get_latest_by = "recorded_at"
        verbose_name = _("wish step")
        verbose_name_plural = _("wish steps")

    def __str__(self):
        return f"{self.wish.reference}: {self.get_name_display()}"

    @property
    def quarter_label(self):
        if self.roadmap_year is None:
            return ""
        return wish_flow.Quarter(self.roadmap_year, self.roadmap_quarter).label
