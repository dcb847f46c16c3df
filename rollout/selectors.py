"""What the rollout pages read, each in a fixed number of queries.

The dashboard's figures are aggregates in the database (counts per wave,
phase and status), so its query count does not grow with the number of
municipalities; only the table is paged.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Max, Min, Q
from django.db.models.functions import NullIf

from readiness.models import Questionnaire, Response, ResponseStatus
from waves.models import Wave

from .models import (
    CLOSED_STATUSES,
    Implementation,
    Milestone,
    Phase,
    Precondition,
    SparringRequest,
    Task,
    TaskStatus,
    TaskTemplate,
)

OPEN = ~Q(tasks__status__in=CLOSED_STATUSES)
# A municipality is "done" once every task is closed: phase past the last.
DONE_PHASE = 99


@dataclass
class Progress:
    total: int
    closed: int
    overdue: int
    blocked: int
    phase: int | None

    @property
    def percent(self):
        return round(100 * self.closed / self.total) if self.total else 0


def progress_of(implementation, today):
    row = (
        Implementation.objects.filter(pk=implementation.pk)
        .annotate(**_progress_annotations(today))
        .values("total", "closed", "overdue", "blocked", "phase")
        .get()
    )
    return Progress(**row)


def _progress_annotations(today):
    return {
        "total": Count("tasks"),
        "closed": Count("tasks", filter=Q(tasks__status__in=CLOSED_STATUSES)),
        "overdue": Count("tasks", filter=OPEN & Q(tasks__due_on__lt=today)),
        "blocked": Count("tasks", filter=Q(tasks__status=TaskStatus.BLOCKED)),
        "phase": Min("tasks__template__phase__number", filter=OPEN),
    }


def implementations_for_table(today):
    """Every implementation with its progress, for the dashboard's table."""
    return (
        Implementation.objects.select_related(
            "municipality__region", "wave", "municipality__eoj_vendor__vendor"
        )
        .annotate(**_progress_annotations(today))
        .annotate(percent=F("closed") * 100 / NullIf(F("total"), 0))
        .order_by("municipality__short_name")
    )


def phase_names(template_id=None):
    """{number: name} of the current template's phases (the same in every version)."""
    phases = Phase.objects.filter(template__is_current=True).order_by("number")
    return {phase.number: phase.localized("name") for phase in phases}


@dataclass
class WaveSummary:
    wave: Wave
    count: int = 0
    by_phase: dict = field(default_factory=dict)
    done: int = 0
    m1: int = 0
    m2: int = 0
    m1_target: datetime.date | None = None
    m2_target: datetime.date | None = None
    overdue: int = 0
    blocked: int = 0
    m1_at_risk: int = 0
    risks: list = field(default_factory=list)
    open_requests: int = 0

    @property
    def m1_percent(self):
        return round(100 * self.m1 / self.count) if self.count else 0

    @property
    def m2_percent(self):
        return round(100 * self.m2 / self.count) if self.count else 0


def milestone_targets(wave, rules):
    """The latest due date of each milestone's tasks in `wave`: its target."""
    targets = {}
    for milestone in Milestone.values:
        dates = [rule.due_for(wave) for rule in rules if rule.milestone == milestone]
        targets[milestone] = max(dates) if dates else None
    return targets


def wave_summaries(today):
    """Per wave: municipalities per phase, M1/M2 reached against the target,
    deviations, preconditions that put it at risk, open sparring requests."""
    waves = list(Wave.objects.all())
    summaries = {wave.pk: WaveSummary(wave) for wave in waves}
    rules = list(TaskTemplate.objects.filter(phase__template__is_current=True))
    preconditions = list(Precondition.objects.all())
    for summary in summaries.values():
        targets = milestone_targets(summary.wave, rules)
        summary.m1_target, summary.m2_target = targets[Milestone.M1], targets[Milestone.M2]
        summary.risks = [p for p in preconditions if p.puts_at_risk(summary.wave)]

    rows = (
        Implementation.objects.annotate(
            phase=Min("tasks__template__phase__number", filter=OPEN),
            overdue=Count("tasks", filter=OPEN & Q(tasks__due_on__lt=today)),
            m1_overdue=Count(
                "tasks",
                filter=OPEN & Q(tasks__due_on__lt=today, tasks__template__milestone="M1"),
            ),
            blocked=Count("tasks", filter=Q(tasks__status=TaskStatus.BLOCKED)),
        )
        .values(
            "wave_id",
            "phase",
            "m1_reached_on",
            "m2_reached_on",
            "overdue",
            "blocked",
            "m1_overdue",
        )
        .order_by()
    )
    # One row per implementation: counted here, a few hundred rows at most
    # per thousand municipalities, in one query.
    for row in rows:
        summary = summaries.get(row["wave_id"])
        if summary is None:
            continue
        summary.count += 1
        phase = row["phase"] or DONE_PHASE
        summary.by_phase[phase] = summary.by_phase.get(phase, 0) + 1
        summary.m1 += row["m1_reached_on"] is not None
        summary.m2 += row["m2_reached_on"] is not None
        summary.overdue += row["overdue"] > 0
        summary.blocked += row["blocked"] > 0
        summary.m1_at_risk += row["m1_reached_on"] is None and row["m1_overdue"] > 0
    for row in (
        SparringRequest.objects.filter(status=SparringRequest.Status.OPEN)
        .values("implementation__wave_id")
        .annotate(n=Count("pk"))
    ):
        if row["implementation__wave_id"] in summaries:
            summaries[row["implementation__wave_id"]].open_requests = row["n"]
    return [summaries[wave.pk] for wave in waves]


def behind_schedule(today, *, overdue_days, limit=25):
    """The deviations coordinators act on: blocked tasks and tasks overdue
    by more than `overdue_days`, worst first; and how many there are."""
    cutoff = today - datetime.timedelta(days=overdue_days)
    queryset = Task.objects.filter(
        Q(status=TaskStatus.BLOCKED) | (Q(due_on__lt=cutoff) & ~Q(status__in=CLOSED_STATUSES))
    )
    rows = list(
        queryset.select_related(
            "implementation__municipality", "implementation__wave", "template__phase"
        )
        .defer("template__links")
        .order_by("due_on", "implementation__municipality__short_name")[:limit]
    )
    return rows, queryset.count()


def m1_at_risk(today, limit=25):
    """Municipalities without M1 with an overdue M1 task."""
    # Counted in the database: those with at least one open, overdue M1 task.
    queryset = (
        Implementation.objects.filter(m1_reached_on__isnull=True)
        .annotate(
            late=Count(
                "tasks",
                filter=OPEN & Q(tasks__due_on__lt=today, tasks__template__milestone="M1"),
            ),
            first_due=Min(
                "tasks__due_on",
                filter=OPEN & Q(tasks__template__milestone="M1"),
            ),
        )
        .filter(late__gt=0)
        .select_related("municipality", "wave")
        .order_by("first_due", "municipality__short_name")
    )
    return list(queryset[:limit]), queryset.count()


def open_sparring_requests(limit=25):
    queryset = SparringRequest.objects.filter(status=SparringRequest.Status.OPEN)
    rows = list(
        queryset.select_related("implementation__municipality", "requested_by").order_by(
            "requested_at"
        )[:limit]
    )
    return rows, queryset.count()


def programme_milestones():
    """How many municipalities have reached M1 and M2, and when the last did
    (the programme reaches a milestone when the last municipality does)."""
    row = Implementation.objects.aggregate(
        total=Count("pk"),
        m1=Count("pk", filter=Q(m1_reached_on__isnull=False)),
        m2=Count("pk", filter=Q(m2_reached_on__isnull=False)),
        m1_last=Max("m1_reached_on"),
        m2_last=Max("m2_reached_on"),
    )
    total = row["total"]
    return {
        "total": total,
        "m1": row["m1"],
        "m2": row["m2"],
        "m1_reached_on": row["m1_last"] if total and row["m1"] == total else None,
        "m2_reached_on": row["m2_last"] if total and row["m2"] == total else None,
    }


def tasks_by_status():
    counts = dict(Task.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return [(status, status.label, counts.get(status.value, 0)) for status in TaskStatus]


def month_starts(first, last):
    months = []
    day = first.replace(day=1)
    while day <= last:
        months.append(day)
        day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return months


def progress_over_time(today, first=datetime.date(2014, 1, 1), last=datetime.date(2015, 9, 30)):
    """Per wave, the share of its tasks closed by the end of each month
    (done tasks by their done date; not-relevant ones count from the start)."""
    waves = list(Wave.objects.all())
    totals = dict(
        Task.objects.values_list("implementation__wave_id").annotate(n=Count("pk")).order_by()
    )
    not_relevant = dict(
        Task.objects.filter(status=TaskStatus.NOT_RELEVANT)
        .values_list("implementation__wave_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    done = defaultdict(Counter)
    for wave_id, done_on, n in (
        Task.objects.filter(status=TaskStatus.DONE)
        .values_list("implementation__wave_id", "done_on")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        done[wave_id][done_on] += n
    months = month_starts(first, min(last, today))
    series = []
    for wave in waves:
        total = totals.get(wave.pk, 0)
        points = []
        for month in months:
            end = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
            closed = not_relevant.get(wave.pk, 0) + sum(
                n for day, n in done[wave.pk].items() if day < end
            )
            points.append((month, round(100 * closed / total) if total else 0))
        series.append({"wave": wave, "points": points})
    return months, series


def readiness_scores():
    """{municipality code: submitted readiness score} of the current questionnaire."""
    questionnaire = Questionnaire.objects.current()
    if questionnaire is None:
        return {}
    return dict(
        Response.objects.filter(questionnaire=questionnaire, score__isnull=False)
        .exclude(status=ResponseStatus.DRAFT)
        .values_list("municipality_id", "score")
    )


def map_rows():
    """What every measure of the map needs, per municipality, in one query."""
    return list(
        Implementation.objects.annotate(phase=Min("tasks__template__phase__number", filter=OPEN))
        .values("municipality_id", "wave__number", "phase", "m1_reached_on", "m2_reached_on")
        .order_by()
    )


def checklist(implementation):
    """The tasks of an implementation by phase, with the phases' texts."""
    tasks = list(implementation.tasks.for_checklist())
    phases = {}
    for task in tasks:
        phase = task.template.phase
        entry = phases.setdefault(
            phase.number, {"phase": phase, "tasks": [], "medication_cards": []}
        )
        if task.template.checklist == TaskTemplate.Checklist.MEDICATION_CARDS:
            entry["medication_cards"].append(task)
        else:
            entry["tasks"].append(task)
    return [phases[number] for number in sorted(phases)]
