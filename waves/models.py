"""Waves, wave plans and the planning inputs they are computed from.

A wave plan is a version: drafts are computed (or, for the 2013 draft,
loaded as a historical document), one plan at a time is published, and a
published plan is never edited; publishing another supersedes it. The
planning inputs (GP and hospital adoption, EOJ vendors and their plans,
pins, weights) are data with their source and date, kept with their
history. This app imports `readiness` and `municipalities`, never the
reverse.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fmkrollout.localized import LocalizedTextMixin
from fmkrollout.text_limits import COMMENT, text_field_options
from municipalities.models import Municipality, Region

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]
# A weight beyond 1,000 points drowns every other criterion and the
# solver's numerical tolerance (1e308 gave an "infeasible" plan).
MAX_WEIGHT = 1000
WEIGHT_RANGE = [MinValueValidator(0), MaxValueValidator(MAX_WEIGHT)]


class Wave(LocalizedTextMixin, models.Model):
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name (Danish)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60, blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        validators=[MinValueValidator(1)],
        help_text=_(
            "The most municipalities the wave can take (at least 1; all waves together must "
            "hold every municipality)."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("wave")
        verbose_name_plural = _("waves")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="wave_ends_after_start"
            )
        ]

    def __str__(self):
        return self.localized("name")


class WeightFields(models.Model):
    """The coordinators' weights: points per criterion (0 switches it off)."""

    readiness = models.FloatField(
        _("readiness"),
        default=10,
        validators=WEIGHT_RANGE,
        help_text=_("Points a fully ready municipality loses by going in the last wave."),
    )
    wish = models.FloatField(
        _("own wish"),
        default=15,
        validators=WEIGHT_RANGE,
        help_text=_("Points for a wish missed by the full span of the waves."),
    )
    gp_adoption = models.FloatField(
        _("GP adoption"),
        default=3,
        validators=WEIGHT_RANGE,
        help_text=_("Points a municipality whose GPs all use FMK loses in the last wave."),
    )
    hospital_adoption = models.FloatField(
        _("hospital adoption"),
        default=2,
        validators=WEIGHT_RANGE,
        help_text=_("Points a municipality whose region's hospitals all use FMK loses last."),
    )
    split_neighbours = models.FloatField(
        _("split neighbours"),
        default=2,
        validators=WEIGHT_RANGE,
        help_text=_("Points per pair of neighbouring municipalities in different waves."),
    )
    stability = models.FloatField(
        _("stability"),
        default=5,
        validators=WEIGHT_RANGE,
        help_text=_("Points per municipality moved away from its wave in the published plan."),
    )

    WEIGHT_NAMES = [
        "readiness",
        "wish",
        "gp_adoption",
        "hospital_adoption",
        "split_neighbours",
        "stability",
    ]

    class Meta:
        abstract = True

    def weights_dict(self):
        return {name: float(getattr(self, name)) for name in self.WEIGHT_NAMES}


class PlanningWeights(WeightFields):
    """The weights every regular recomputation uses: one row (pk 1)."""

    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("planning weights")
        verbose_name_plural = _("planning weights")

    def __str__(self):
        return str(_("Planning weights"))

    @classmethod
    def current(cls):
        weights, _created = cls.objects.get_or_create(pk=1)
        return weights


class Scenario(WeightFields):
    """A named what-if: its own weights and pins, computed as its own plans
    without touching the current draft."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True, **text_field_options(COMMENT))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")

    def __str__(self):
        return self.name


class FigureStatus(models.TextChoices):
    REPORTED = "reported", _("reported")
    NOT_APPLICABLE = "not_applicable", _("does not apply (e.g. no GP practice)")
    MISSING = "missing", _("not reported")


class AdoptionFigure(models.Model):
    """A share (0–100 %) from an external source, or a known missing state.

    A missing figure is never stored as 0: `status` says why there is no
    value, and the solver gives such municipalities a neutral value.
    """

    status = models.CharField(
        _("status"), max_length=20, choices=FigureStatus.choices, default=FigureStatus.REPORTED
    )
    share = models.DecimalField(
        _("share (%)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=PERCENT,
    )
    source = models.CharField(_("source"), max_length=200)
    definition = models.CharField(
        _("definition"),
        max_length=300,
        help_text=_("What the figure measures; MedCom's definition has changed over time."),
    )
    measured_on = models.DateField(_("measured on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        abstract = True

    @property
    def value(self):
        """The share as a float, or None when there is no figure."""
        if self.status != FigureStatus.REPORTED or self.share is None:
            return None
        return float(self.share)


def _figure_constraints(prefix):
    return [
        models.CheckConstraint(
            condition=(
                Q(status=FigureStatus.REPORTED, share__isnull=False)
                | (~Q(status=FigureStatus.REPORTED) & Q(share__isnull=True))
            ),
            name=f"{prefix}_share_iff_reported",
        ),
        models.CheckConstraint(
            condition=Q(share__isnull=True) | Q(share__gte=0, share__lte=100),
            name=f"{prefix}_share_percent",
        ),
    ]


class GPAdoption(AdoptionFigure):
    """How far the GPs in a municipality use FMK (MedCom)."""

    municipality = models.OneToOneField(
        Municipality,
        on_delete=models.CASCADE,
        related_name="gp_adoption",
        verbose_name=_("municipality"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["municipality"]
        verbose_name = _("GP adoption")
        verbose_name_plural = _("GP adoption")
        constraints = _figure_constraints("gp_adoption")

    def __str__(self):
        return f"{self.municipality}: {self.share if self.value is not None else '–'}"


class HospitalAdoption(AdoptionFigure):
    """How far the hospitals of a region use FMK (NSI): a share, or a
    go-live status that the planning reads as 0, 50 or 100 %."""

    class GoLive(models.TextChoices):
        NOT_LIVE = "not_live", _("not live")
        PARTLY_LIVE = "partly_live", _("partly live")
        LIVE = "live", _("live")

    GO_LIVE_SHARE = {GoLive.NOT_LIVE: 0, GoLive.PARTLY_LIVE: 50, GoLive.LIVE: 100}

    region = models.OneToOneField(
        Region,
        on_delete=models.CASCADE,
        related_name="hospital_adoption",
        verbose_name=_("region"),
    )
    go_live = models.CharField(
        _("go-live status"),
        max_length=20,
        choices=GoLive.choices,
        blank=True,
        help_text=_("When NSI reports a status rather than a share; the share is then derived."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["region"]
        verbose_name = _("hospital adoption")
        verbose_name_plural = _("hospital adoption")
        constraints = _figure_constraints("hospital_adoption")

    def __str__(self):
        return f"{self.region}: {self.share if self.value is not None else '–'}"

    def save(self, *args, **kwargs):
        if self.go_live and self.status == FigureStatus.REPORTED:
            self.share = self.GO_LIVE_SHARE[self.go_live]
        super().save(*args, **kwargs)


class Vendor(models.Model):
    """An EOJ vendor. Reference data the coordinators maintain."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Invented for trying the portal.")
    )
    note = models.TextField(_("note"), blank=True, **text_field_options(COMMENT))

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("EOJ vendor")
        verbose_name_plural = _("EOJ vendors")

    def __str__(self):
        return self.name


class VendorPlan(models.Model):
    """A vendor's implementation plan: the earliest wave it can support."""

    vendor = models.OneToOneField(
        Vendor, on_delete=models.CASCADE, related_name="plan", verbose_name=_("vendor")
    )
    earliest_wave = models.ForeignKey(
        Wave,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("earliest wave"),
        help_text=_("Empty: the vendor can support every wave."),
    )
    source = models.CharField(_("source"), max_length=200)
    received_on = models.DateField(_("received on"))
    note = models.TextField(_("note"), blank=True, **text_field_options(COMMENT))

    history = HistoricalRecords()

    class Meta:
        ordering = ["vendor"]
        verbose_name = _("vendor plan")
        verbose_name_plural = _("vendor plans")

    def __str__(self):
        return str(self.vendor)


class VendorAgreement(models.Model):
    """A vendor's agreement with a named municipality to support it from a
    given wave: for that municipality it replaces the vendor's earliest wave."""

    plan = models.ForeignKey(
        VendorPlan, on_delete=models.CASCADE, related_name="agreements", verbose_name=_("plan")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("municipality")
    )
    wave = models.ForeignKey(
        Wave, on_delete=models.PROTECT, related_name="+", verbose_name=_("from wave")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "municipality"]
        verbose_name = _("agreement with a municipality")
        verbose_name_plural = _("agreements with municipalities")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "municipality"], name="vendor_agreement_unique"
            )
        ]

    def __str__(self):
        return f"{self.plan.vendor} – {self.municipality}"


class MunicipalityVendor(models.Model):
    """A municipality's EOJ vendor, and whether a coordinator has lifted the
    vendor's earliest-wave limit for it."""

    municipality = models.OneToOneField(
        Municipality,
        on_delete=models.CASCADE,
        related_name="eoj_vendor",
        verbose_name=_("municipality"),
    )
    vendor = models.ForeignKey(
        Vendor, on_delete=models.PROTECT, related_name="customers", verbose_name=_("vendor")
    )
    source = models.CharField(_("source"), max_length=200)
    recorded_on = models.DateField(_("recorded on"))
    override_limit = models.BooleanField(
        _("override the vendor's earliest wave"),
        default=False,
        help_text=_("A coordinator's decision that the vendor's limit does not bind here."),
    )
    override_reason = models.CharField(_("reason for the override"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["municipality"]
        verbose_name = _("municipality's EOJ vendor")
        verbose_name_plural = _("municipalities' EOJ vendors")
        constraints = [
            models.CheckConstraint(
                condition=Q(override_limit=False) | ~Q(override_reason=""),
                name="vendor_override_has_reason",
            )
        ]

    def __str__(self):
        return f"{self.municipality}: {self.vendor}"


class Pin(models.Model):
    """A coordinator fixes a municipality to a wave, with a reason.

    Pins without a scenario apply to every regular recomputation; a
    scenario's own pins apply only to it (on top of the regular ones).
    """

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("municipality")
    )
    wave = models.ForeignKey(
        Wave, on_delete=models.PROTECT, related_name="+", verbose_name=_("wave")
    )
    reason = models.CharField(_("reason"), max_length=300)
    scenario = models.ForeignKey(
        Scenario,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="pins",
        verbose_name=_("scenario"),
        help_text=_("Empty: the pin applies to the regular plan."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pinned by"),
    )
    created_at = models.DateTimeField(_("pinned"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["municipality"]
        verbose_name = _("pin")
        verbose_name_plural = _("pins")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality"],
                condition=Q(scenario__isnull=True),
                name="pin_one_regular_per_municipality",
            ),
            models.UniqueConstraint(
                fields=["municipality", "scenario"],
                condition=Q(scenario__isnull=False),
                name="pin_one_per_scenario_and_municipality",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="pin_has_reason"),
        ]

    def __str__(self):
        return f"{self.municipality} → {self.wave}"


class WavePlanQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=WavePlan.Status.PUBLISHED)

    def drafts(self):
        return self.filter(status=WavePlan.Status.DRAFT)

    def regular(self):
        return self.filter(scenario__isnull=True)

    def with_plan(self):
        """Plans that assign every municipality (not a failed attempt)."""
        return self.exclude(solver_status__in=WavePlan.NO_PLAN)

    def current_draft(self):
        return self.drafts().regular().with_plan().order_by("-created_at", "-pk").first()

    def historical(self):
        return self.filter(status=WavePlan.Status.HISTORICAL)

    def without_inputs(self):
        """Plans without the snapshot of what they were computed from
        (megabytes of JSON at thousands of municipalities), for every page
        that shows a plan's figures rather than its inputs."""
        return self.defer("inputs")

    def visible_to(self, user):
        """Everyone signed in sees published, superseded and historical
        plans; drafts and scenarios only coordinators and viewers."""
        from municipalities.roles import Role, role_of

        role = role_of(user)
        if role in (Role.COORDINATOR, Role.VIEWER):
            return self
        if role == Role.PROJECT_MANAGER:
            return self.exclude(status=WavePlan.Status.DRAFT)
        return self.none()


class WavePlan(LocalizedTextMixin, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        SUPERSEDED = "superseded", _("superseded")
        # A document from before the portal (the 2 December 2013 draft):
        # comparable, never publishable.
        HISTORICAL = "historical", _("historical")

    class Origin(models.TextChoices):
        MANUAL = "manual", _("recomputed by a coordinator")
        ANSWERS_CHANGED = "answers_changed", _("recomputed after answers changed")
        WEIGHTS_CHANGED = "weights_changed", _("recomputed after weights changed")
        INPUTS_CHANGED = "inputs_changed", _("recomputed after inputs changed")
        NIGHTLY = "nightly", _("nightly recomputation")
        SCENARIO = "scenario", _("scenario")
        DOCUMENT = "document", _("historical document")

    class SolverStatus(models.TextChoices):
        OPTIMAL = "optimal", _("proven optimal")
        FEASIBLE = "feasible", _("feasible, not proven optimal")
        INFEASIBLE = "infeasible", _("infeasible")
        TIMED_OUT = "timed_out", _("no plan found within the time limit")
        NOT_SOLVED = "not_solved", _("not computed by the portal")

    # Attempts that assign nobody: no plan can exist, or none was found.
    NO_PLAN = (SolverStatus.INFEASIBLE, SolverStatus.TIMED_OUT)

    # Empty for the plans the portal computes: their name is composed in
    # the reader's language (`__str__`). Documents carry both languages.
    name = models.CharField(_("name (Danish)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    origin = models.CharField(_("made by"), max_length=20, choices=Origin.choices)
    scenario = models.ForeignKey(
        Scenario,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("scenario"),
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The published plan the stability weight kept this one close to.
    based_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("based on"),
    )
    # Everything the solver was given (inputs per municipality, weights,
    # capacities, pins, time limit), so that a plan can be explained and
    # compared long after its inputs have changed.
    inputs = models.JSONField(_("inputs and parameters"), default=dict, blank=True)
    solver_status = models.CharField(
        _("solver status"), max_length=20, choices=SolverStatus.choices
    )
    solver_message = models.TextField(_("solver message"), blank=True)
    objective = models.FloatField(_("objective (points)"), null=True, blank=True)
    gap = models.FloatField(_("optimality gap"), null=True, blank=True)
    solve_seconds = models.FloatField(_("solve time (s)"), null=True, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    # One hash per group of inputs the solve read (planning.INPUT_GROUPS):
    # the plan is out of date when today's inputs hash differently. Kept
    # beside `inputs` so that pages can tell without decoding the snapshot.
    input_fingerprints = models.JSONField(_("input fingerprints"), default=dict, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    decision = models.ForeignKey(
        "governance.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approving decision"),
    )
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["inputs", "summary"])
    objects = WavePlanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        verbose_name = _("wave plan")
        verbose_name_plural = _("wave plans")
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="published"),
                name="wave_plan_one_published",
            ),
            models.CheckConstraint(
                condition=~Q(status="published")
                | ~Q(solver_status__in=["infeasible", "timed_out"]),
                name="wave_plan_published_has_plan",
            ),
        ]

    def __str__(self):
        if self.name:
            return self.localized("name")
        if self.scenario_id is not None:
            return _("Scenario “%(name)s”, plan no. %(number)s") % {
                "name": self.scenario.name,
                "number": self.pk,
            }
        return _("Wave plan no. %(number)s") % {"number": self.pk}

    def get_absolute_url(self):
        return reverse("waves:plan-detail", args=[self.pk])

    @property
    def is_editable(self):
        """Only drafts change (pins, moves); published and older plans are
        kept exactly as they were."""
        return self.status == self.Status.DRAFT

    @property
    def has_plan(self):
        return self.solver_status not in self.NO_PLAN

    @property
    def is_publishable(self):
        return self.is_editable and self.has_plan


class AssignmentQuerySet(models.QuerySet):
    def for_review(self):
        """Everything the review pages show, in a fixed number of queries,
        without the explanation, which they do not show."""
        return self.select_related("municipality__region", "wave").defer("explanation")

    def wave_rows(self):
        """A wave table's rows as plain values, in the order of the table:
        four model instances a row were a sixth of the plan page."""
        return self.order_by("municipality__short_name").values(
            "readiness_score",
            "wish_wave",
            "wish_met",
            "is_pinned",
            "pin_reason",
            "neighbours_in_other_waves",
            code=F("municipality_id"),
            name=F("municipality__short_name"),
            region=F("municipality__region__name"),
        )


class Assignment(models.Model):
    """A municipality's wave in a plan, with the figures it was decided on.

    The input figures are copied from the plan's snapshot, so that the
    review shows what the plan was computed from, not today's values.
    """

    plan = models.ForeignKey(
        WavePlan, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("plan")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="wave_assignments",
        verbose_name=_("municipality"),
    )
    wave = models.ForeignKey(
        Wave, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("wave")
    )
    is_pinned = models.BooleanField(_("pinned"), default=False)
    pin_reason = models.CharField(_("pin reason"), max_length=300, blank=True)
    readiness_score = models.FloatField(_("readiness"), null=True, blank=True)
    wish_wave = models.PositiveSmallIntegerField(_("own wish"), null=True, blank=True)
    wish_met = models.BooleanField(_("wish met"), null=True, blank=True)
    gp_adoption = models.FloatField(_("GP adoption (%)"), null=True, blank=True)
    hospital_adoption = models.FloatField(_("hospital adoption (%)"), null=True, blank=True)
    vendor_name = models.CharField(_("EOJ vendor"), max_length=100, blank=True)
    earliest_wave = models.PositiveSmallIntegerField(
        _("vendor's earliest wave"), null=True, blank=True
    )
    neighbours_in_other_waves = models.PositiveSmallIntegerField(
        _("neighbours in other waves"), default=0
    )
    # Points per criterion, neighbours in the same and other waves, and the
    # what-if cost of each other wave (see solver.MunicipalityExplanation).
    explanation = models.JSONField(_("explanation"), default=dict, blank=True)
    # Moved by hand since the plan was computed: its explanation is stale.
    moved_by_hand = models.BooleanField(_("moved by hand"), default=False)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["wave__number", "municipality__short_name"]
        verbose_name = _("municipality in the plan")
        verbose_name_plural = _("municipalities in the plan")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "municipality"], name="assignment_one_per_municipality"
            )
        ]

    def __str__(self):
        return f"{self.municipality} – {self.wave}"

    def get_absolute_url(self):
        return reverse("waves:explanation", args=[self.plan_id, self.municipality_id])


class PlanRun(models.Model):
    """One recomputation: queued, running, and how it ended.

    Coordinators follow it in the admin. A queued automatic run is also the
    "pending" marker that coalesces many input changes into one
    recomputation.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("done")
        UNCHANGED = "unchanged", _("nothing changed")
        INFEASIBLE = "infeasible", _("infeasible")
        TIMED_OUT = "timed_out", _("time limit reached without a plan")
        FAILED = "failed", _("failed")

    FINISHED = {
        Status.SUCCEEDED,
        Status.UNCHANGED,
        Status.INFEASIBLE,
        Status.TIMED_OUT,
        Status.FAILED,
    }

    origin = models.CharField(_("trigger"), max_length=20, choices=WavePlan.Origin.choices)
    scenario = models.ForeignKey(
        Scenario,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="runs",
        verbose_name=_("scenario"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    changes = models.PositiveIntegerField(
        _("changes coalesced"), default=1, help_text=_("Input changes this run answers.")
    )
    # The input groups (planning.INPUT_GROUPS) that had changed when an
    # automatic run was queued; worded when shown.
    changed_inputs = models.JSONField(_("changed inputs"), default=list, blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    step = models.CharField(_("step"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    message = models.TextField(_("message"), blank=True)
    plan = models.ForeignKey(
        WavePlan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resulting plan"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("recomputation")
        verbose_name_plural = _("recomputations")

    def __str__(self):
        return f"{self.get_origin_display()} #{self.pk}"

    @property
    def is_finished(self):
        return self.status in self.FINISHED


class PlanningLock(models.Model):
    """One row (pk 1): whichever run holds it is the only one computing.

    Taken with a conditional UPDATE, which is atomic on every database, and
    given back when the run ends; a run killed while holding it loses it
    once it has shown no sign of life for `planning.dead_after()`.
    """

    run = models.ForeignKey(
        PlanRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    taken_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("planning lock")
        verbose_name_plural = _("planning lock")

    def __str__(self):
        return f"lock held by {self.run_id}" if self.run_id else "lock free"


class FrontierSweepQuerySet(models.QuerySet):
    def finished(self):
        return self.filter(status__in=FrontierSweep.FINISHED)

    def latest_first(self):
        return self.order_by("-created_at", "-pk")


class FrontierSweep(models.Model):
    """One sweep of the split weight: the plans of the trade-off between
    neighbours together and wishes met (see waves/frontier.py).

    The current draft, the published plan and the 2013 draft are placed on
    it (`marks`) with the inputs the sweep read, so the chart compares like
    with like.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        INFEASIBLE = "infeasible", _("no plan can exist")
        FAILED = "failed", _("failed")

    FINISHED = {Status.DONE, Status.INFEASIBLE, Status.FAILED}

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # The other weights, as the coordinators had set them.
    weights = models.JSONField(_("weights"), default=dict, blank=True)
    split_weights = models.JSONField(_("split weights swept"), default=list, blank=True)
    inputs_fingerprint = models.CharField(
        _("fingerprint of the inputs"), max_length=64, blank=True
    )
    solves = models.PositiveSmallIntegerField(_("solves"), default=0)
    seconds = models.FloatField(_("time (s)"), null=True, blank=True)
    # Swept plans that another swept plan beats on every figure, with the
    # weight of the one that beats them: left off the chart, said so.
    dominated = models.JSONField(_("dominated plans"), default=list, blank=True)
    unsolved = models.JSONField(_("weights without a plan"), default=list, blank=True)
    # {"draft" | "published" | "draft_2013": {"plan", "name", figures}}
    marks = models.JSONField(_("plans placed on the frontier"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)

    objects = FrontierSweepQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("trade-off sweep")
        verbose_name_plural = _("trade-off sweeps")

    def __str__(self):
        return _("Trade-off sweep no. %(number)s") % {"number": self.pk}

    def get_absolute_url(self):
        return reverse("waves:frontier")

    @property
    def is_finished(self):
        return self.status in self.FINISHED


class FrontierPoint(models.Model):
    """A plan the sweep found: optimal for the split weights from
    `split_weight` to `weight_up_to`, with every other weight unchanged."""

    sweep = models.ForeignKey(
        FrontierSweep, on_delete=models.CASCADE, related_name="points", verbose_name=_("sweep")
    )
    split_weight = models.FloatField(_("split weight"))
    weight_up_to = models.FloatField(_("up to split weight"))
    split_pairs = models.PositiveSmallIntegerField(_("split neighbour pairs"))
    wishes_met = models.PositiveSmallIntegerField(_("wishes met"))
    wishes_total = models.PositiveSmallIntegerField(_("wishes"))
    readiness_cost = models.FloatField(_("cost of the readiness order (points)"))
    objective = models.FloatField(_("objective (points)"))
    solver_status = models.CharField(
        _("solver status"), max_length=20, choices=WavePlan.SolverStatus.choices
    )
    gap = models.FloatField(_("optimality gap"), null=True, blank=True)
    solve_seconds = models.FloatField(_("solve time (s)"))
    # {municipality code: wave number}, as the solver returned it.
    assignment = models.JSONField(_("waves"), default=dict)
    promoted_plan = models.ForeignKey(
        WavePlan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("draft made from it"),
    )

    class Meta:
        ordering = ["sweep", "-split_pairs", "split_weight"]
        verbose_name = _("plan on the frontier")
        verbose_name_plural = _("plans on the frontier")
        constraints = [
            models.UniqueConstraint(
                fields=["sweep", "split_weight"], name="frontier_point_one_per_weight"
            ),
            models.CheckConstraint(
                condition=Q(wishes_met__lte=models.F("wishes_total")),
                name="frontier_point_wishes_within_total",
            ),
        ]

    def __str__(self):
        return _("Split weight %(weight)s: %(splits)s split pairs, %(met)s wishes met") % {
            "weight": f"{self.split_weight:g}",
            "splits": self.split_pairs,
            "met": self.wishes_met,
        }

    def get_absolute_url(self):
        return reverse("waves:frontier-point", args=[self.pk])

    def wave_of(self):
        """{code: wave number} with integer codes (JSON keys are strings)."""
        return {int(code): wave for code, wave in self.assignment.items()}
