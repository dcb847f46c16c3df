"""Rollout operations that write: follow the published plan, change tasks,
ask for sparring, escalate, send the weekly digest.

Views, the admin, tasks and commands call these functions, so every path
keeps the same rules: a task save names the version it was based on and is
refused if someone saved in between (`EditConflict`); a reason is required
where the status or a hand-set due date needs one; every change is kept in
the task's history with who and why; M1 and M2 are refreshed with each
change. The implementations are derived from the published wave plan by
`sync_with_published_plan`, never by a signal from the waves app.
"""

import datetime
import logging
from dataclasses import dataclass, fields

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from governance.models import Decision, Forum
from municipalities.roles import GROUP_NAMES, Role
from waves.models import WavePlan

from .models import (
    CLOSED_STATUSES,
    REASON_STATUSES,
    Escalation,
    Implementation,
    Milestone,
    RolloutState,
    SparringRequest,
    Task,
    TaskStatus,
    TaskTemplate,
    TemplateVersion,
    WaveChange,
)

logger = logging.getLogger(__name__)


# Following the published plan --------------------------------------------


@dataclass
class SyncResult:
    plan_id: int | None = None
    created: int = 0
    moved: int = 0
    unchanged: bool = True

    def summary(self):
        return {
            "plan": self.plan_id,
            "created": self.created,
            "moved": self.moved,
            "unchanged": self.unchanged,
        }


def sync_with_published_plan() -> SyncResult:
    """Bring the implementations in line with the published wave plan.

    Idempotent and cheap when nothing changed: one query sees that the plan
    last synchronised is still the published one. Otherwise, in one
    transaction: every municipality of the plan without an implementation
    gets one (with the current template's tasks and their due dates from
    its wave); one whose wave changed moves to the new wave, its open due
    dates follow (those set by hand stay), and the move is recorded. Nothing
    entered is ever changed: status, owner, comments and done dates stay.
    """
    if RolloutState.objects.filter(pk=1, synced_plan__status=WavePlan.Status.PUBLISHED).exists():
        return SyncResult()
    return _sync()


@transaction.atomic
def _sync() -> SyncResult:
    RolloutState.objects.get_or_create(pk=1)
    # Two requests noticing the new plan at once: the second waits here and
    # then finds the work done.
    state = RolloutState.objects.select_for_update().get(pk=1)
    plan = WavePlan.objects.published().first()
    if plan is None or plan.pk == state.synced_plan_id:
        return SyncResult(plan_id=plan.pk if plan else None)
    template = TemplateVersion.objects.current()
    if template is None:
        logger.warning("No current implementation template: the rollout cannot follow the plan.")
        return SyncResult(plan_id=plan.pk)
    result = SyncResult(plan_id=plan.pk, unchanged=False)
    task_templates = list(TaskTemplate.objects.filter(phase__template=template))
    assignments = list(plan.assignments.select_related("wave"))
    existing = {
        implementation.municipality_id: implementation
        for implementation in Implementation.objects.select_related("wave")
    }
    reason = _("Wave plan published: %(plan)s") % {"plan": plan}

    new = [a for a in assignments if a.municipality_id not in existing]
    created = bulk_create_with_history(
        [
            Implementation(
                municipality_id=a.municipality_id, template=template, wave=a.wave, plan=plan
            )
            for a in new
        ],
        Implementation,
        default_change_reason=reason,
    )
    # Some databases do not return the new keys from a bulk insert.
    by_code = {
        i.municipality_id: i
        for i in Implementation.objects.filter(
            municipality_id__in=[a.municipality_id for a in new]
        )
    }
    waves = {a.municipality_id: a.wave for a in new}
    bulk_create_with_history(
        [
            Task(implementation=by_code[code], template=t, due_on=t.due_for(waves[code]))
            for code in by_code
            for t in task_templates
        ],
        Task,
        batch_size=1000,
        default_change_reason=reason,
    )
    result.created = len(created)

    moved = [
        (existing[a.municipality_id], a.wave)
        for a in assignments
        if a.municipality_id in existing and existing[a.municipality_id].wave_id != a.wave_id
    ]
    for implementation, wave in moved:
        _move_to_wave(implementation, wave, plan)
    result.moved = len(moved)
    # The implementations that stayed in their wave follow the new plan too.
    Implementation.objects.exclude(plan=plan).update(plan=plan)

    state.synced_plan = plan
    state.synced_at = timezone.now()
    state.save(update_fields=["synced_plan", "synced_at"])
    logger.info("Rollout follows %s: %s created, %s moved", plan, result.created, result.moved)
    return result


def _move_to_wave(implementation, wave, plan):
    tasks = list(implementation.tasks.select_related("template"))
    reason = _("Moved from %(old)s to %(new)s by the published plan %(plan)s") % {
        "old": implementation.wave,
        "new": wave,
        "plan": plan,
    }
    # simple-history keeps at most 100 characters of a change reason.
    reason = reason[:100]
    follow = []
    kept = 0
    for task in tasks:
        if not task.is_open:
            continue
        if task.due_overridden:
            kept += 1
            continue
        task.due_on = task.template.due_for(wave)
        task.version += 1
        follow.append(task)
    bulk_update_with_history(follow, Task, ["due_on", "version"], default_change_reason=reason)
    WaveChange.objects.create(
        implementation=implementation,
        plan=plan,
        from_wave=implementation.wave,
        to_wave=wave,
        moved_tasks=len(follow),
        kept_tasks=kept,
    )
    implementation.wave = wave
    implementation.plan = plan
    implementation._change_reason = reason
    implementation.save(update_fields=["wave", "plan", "updated_at"])


# Changing tasks ------------------------------------------------------------


@dataclass(frozen=True)
class TaskData:
    """What a person entered for one task. `due_on` None: follow the wave."""

    status: str = TaskStatus.NOT_STARTED
    reason: str = ""
    owner: str = ""
    due_on: datetime.date | None = None
    due_override_reason: str = ""
    done_on: datetime.date | None = None
    comment: str = ""

    @classmethod
    def of(cls, task):
        return cls(
            status=task.status,
            reason=task.reason,
            owner=task.owner,
            due_on=task.due_on if task.due_overridden else None,
            due_override_reason=task.due_override_reason,
            done_on=task.done_on,
            comment=task.comment,
        )


FIELD_NAMES = [f.name for f in fields(TaskData)]


@dataclass(frozen=True)
class FieldChange:
    name: str
    before: object
    after: object


class EditConflict(Exception):
    """Someone saved the task after the version this save was based on."""

    def __init__(self, *, task, base_version, changes, saved_by, saved_at):
        super().__init__("The task was changed by someone else.")
        self.task = task
        self.base_version = base_version
        self.current_version = task.version
        self.changes = changes
        self.saved_by = saved_by
        self.saved_at = saved_at


def diff_task(before: TaskData, after: TaskData) -> list[FieldChange]:
    return [
        FieldChange(name, getattr(before, name), getattr(after, name))
        for name in FIELD_NAMES
        if getattr(before, name) != getattr(after, name)
    ]


def _conflict(task, base_version):
    """What the others changed since `base_version`, read from the history."""
    record = task.history.filter(version=base_version).order_by("-history_date").first()
    base = TaskData.of(record.instance) if record is not None else TaskData()
    return EditConflict(
        task=task,
        base_version=base_version,
        changes=diff_task(base, TaskData.of(task)),
        saved_by=task.updated_by,
        saved_at=task.updated_at,
    )


def _clean(task, data: TaskData, today):
    errors = {}
    if data.status in REASON_STATUSES and not data.reason.strip():
        message = (
            _("Say why the task is not relevant.")
            if data.status == TaskStatus.NOT_RELEVANT
            else _("Say what blocks the task.")
        )
        errors["reason"] = ValidationError(message, code="reason_required")
    rule_date = task.template.due_for(task.implementation.wave)
    overridden = data.due_on is not None and data.due_on != rule_date
    if overridden and not data.due_override_reason.strip():
        errors["due_override_reason"] = ValidationError(
            _("Say why the due date differs from the wave's (%(date)s).")
            % {"date": rule_date.strftime("%d.%m.%Y")},
            code="override_reason_required",
        )
    if data.done_on is not None and data.done_on > today:
        errors["done_on"] = ValidationError(
            _("The done date cannot be in the future."), code="done_in_future"
        )
    if errors:
        raise ValidationError(errors)
    return rule_date, overridden


@transaction.atomic
def update_task(*, task: Task, data: TaskData, base_version: int, by, today) -> Task | None:
    """Save what a person entered for a task; return it, or None if nothing changed.

    `base_version` is the version the person started from. If anyone saved
    since, nothing is written and EditConflict says what they changed. A
    task marked done without a date is done `today`; a due date other than
    the wave's needs a reason, and an empty one follows the wave again.
    """
    task = (
        Task.objects.select_for_update(of=("self",))
        .select_related("template", "implementation__wave", "updated_by")
        .get(pk=task.pk)
    )
    if task.version != base_version:
        raise _conflict(task, base_version)
    rule_date, overridden = _clean(task, data, today)
    done_on = None
    if data.status == TaskStatus.DONE:
        done_on = data.done_on or task.done_on or today
    values = {
        "status": data.status,
        "reason": data.reason.strip() if data.status in REASON_STATUSES else "",
        "owner": data.owner.strip(),
        "due_on": data.due_on if overridden else rule_date,
        "due_overridden": overridden,
        "due_override_reason": data.due_override_reason.strip() if overridden else "",
        "done_on": done_on,
        "comment": data.comment.strip(),
    }
    changed = [name for name, value in values.items() if getattr(task, name) != value]
    if not changed:
        return None
    for name in changed:
        setattr(task, name, values[name])
    task.version += 1
    task.updated_by = by
    # Who, also when the change comes from a command or a task (outside a
    # request, simple_history's middleware cannot tell).
    task._history_user = by
    task._change_reason = _("Changed: %(fields)s") % {
        "fields": ", ".join(str(Task._meta.get_field(name).verbose_name) for name in changed)
    }
    task.full_clean(exclude=["implementation", "template", "updated_by"])
    task.save()
    refresh_milestones(task.implementation)
    return task


def refresh_milestones(implementation):
    """M1/M2: reached when every task of the milestone is done or not
    relevant, on the latest done date among them (or today's, if all were
    simply not relevant)."""
    tasks = list(implementation.tasks.values("template__milestone", "status", "done_on"))
    values = {}
    for milestone, field in ((Milestone.M1, "m1_reached_on"), (Milestone.M2, "m2_reached_on")):
        mine = [t for t in tasks if t["template__milestone"] == milestone]
        reached = None
        if mine and all(t["status"] in CLOSED_STATUSES for t in mine):
            dates = [t["done_on"] for t in mine if t["done_on"]]
            reached = max(dates) if dates else timezone.localdate()
        values[field] = reached
    if any(getattr(implementation, f) != v for f, v in values.items()):
        for field, value in values.items():
            setattr(implementation, field, value)
        implementation.save(update_fields=[*values, "updated_at"])


# Sparring and escalation -----------------------------------------------------


def coordinators():
    """Active coordinators with an e-mail address."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__name=GROUP_NAMES[Role.COORDINATOR]) | Q(is_superuser=True))
        .exclude(email="")
        .distinct()
        .order_by("username")
    )


def _portal_url(name, *args):
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse(name, args=args)


@transaction.atomic
def request_sparring(*, implementation, topic, message, by) -> SparringRequest:
    """A project manager asks for support; the coordinators get an e-mail
    and see it on their dashboard until it is answered."""
    request = SparringRequest(
        implementation=implementation, topic=topic, message=message.strip(), requested_by=by
    )
    request.full_clean()
    request.save()
    recipients = [user.email for user in coordinators()]
    transaction.on_commit(lambda: _send_sparring_mail(request, recipients))
    return request


def _send_sparring_mail(request, recipients):
    if not recipients:
        return
    with translation.override("da"):
        context = {
            "request": request,
            "municipality": request.implementation.municipality,
            "url": _portal_url("rollout:municipality", request.implementation.municipality_id),
        }
        subject = render_to_string("rollout/email/sparring_subject.txt", context).strip()
        body = render_to_string("rollout/email/sparring_body.txt", context)
    send_mail(subject, body, None, recipients)


@transaction.atomic
def answer_sparring(*, request, answer, by) -> SparringRequest:
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Write the answer.")}, code="required")
    request.answer = answer
    request.status = SparringRequest.Status.ANSWERED
    request.answered_by = by
    request.answered_at = timezone.now()
    request.save()
    return request


def programme_group():
    return Forum.objects.filter(kind=Forum.Kind.PROGRAMME_GROUP).first()


@transaction.atomic
def escalate(*, implementation, deviation, meeting, by) -> Escalation:
    """Escalate a municipality's deviation to the programme group.

    Recorded in the governance app as an "escalated" decision of the
    programme group's meeting (which links back to the municipality's
    rollout page), and here as an Escalation pointing at that decision.
    """
    deviation = (deviation or "").strip()
    if not deviation:
        raise ValidationError({"deviation": _("Describe the deviation.")}, code="required")
    if meeting is None or meeting.forum.kind != Forum.Kind.PROGRAMME_GROUP:
        raise ValidationError(
            {"meeting": _("Choose a meeting of the programme group.")}, code="invalid"
        )
    municipality = implementation.municipality
    decision = Decision(
        meeting=meeting,
        kind=Decision.Kind.ESCALATED,
        subject=(_("Rollout in %(name)s: deviation") % {"name": municipality.short_name})[:300],
        text=deviation,
        follow_up_url=reverse("rollout:municipality", args=[municipality.code]),
    )
    decision.full_clean()
    decision.save()
    return Escalation.objects.create(
        implementation=implementation, deviation=deviation, decision=decision, escalated_by=by
    )


# The weekly digest -------------------------------------------------------------


def digest_items(*, today, overdue_days):
    """Tasks blocked, or overdue by more than `overdue_days` days."""
    limit = today - datetime.timedelta(days=overdue_days)
    return list(
        Task.objects.filter(
            Q(status=TaskStatus.BLOCKED) | (Q(due_on__lt=limit) & ~Q(status__in=CLOSED_STATUSES))
        )
        .select_related("implementation__municipality", "implementation__wave", "template")
        .order_by("implementation__municipality__short_name", "due_on")
    )


def send_digest(*, today, overdue_days) -> dict:
    """E-mail the coordinators the week's deviations; nothing when there are none."""
    items = digest_items(today=today, overdue_days=overdue_days)
    open_requests = SparringRequest.objects.filter(status=SparringRequest.Status.OPEN).count()
    recipients = [user.email for user in coordinators()]
    if not recipients or (not items and not open_requests):
        return {"sent": 0, "items": len(items)}
    by_municipality = {}
    for task in items:
        by_municipality.setdefault(task.implementation.municipality, []).append(task)
    with translation.override("da"):
        context = {
            "today": today,
            "overdue_days": overdue_days,
            "by_municipality": [
                (
                    m,
                    [(t, t.days_overdue(today)) for t in tasks],
                    _portal_url("rollout:municipality", m.code),
                )
                for m, tasks in by_municipality.items()
            ],
            "count": len(items),
            "open_requests": open_requests,
            "url": _portal_url("rollout:dashboard"),
        }
        subject = render_to_string("rollout/email/digest_subject.txt", context).strip()
        body = render_to_string("rollout/email/digest_body.txt", context)
    send_mail(subject, body, None, recipients)
    logger.info(
        "Rollout digest sent to %s coordinator(s), %s item(s)", len(recipients), len(items)
    )
    return {"sent": len(recipients), "items": len(items)}


# Template versions ---------------------------------------------------------------


@transaction.atomic
def copy_template(*, template: TemplateVersion) -> TemplateVersion:
    """A new version with the same phases and tasks, not yet current.

    The way to change a frozen version: edit the copy, then make it current
    in the admin. Municipalities already under way keep the version they
    started with, so nothing they entered changes meaning.
    """
    latest = TemplateVersion.objects.order_by("-version").first()
    copy = TemplateVersion.objects.create(
        version=latest.version + 1,
        title=template.title,
        title_en=template.title_en,
        source=template.source,
    )
    for phase in template.phases.prefetch_related("tasks"):
        tasks = list(phase.tasks.all())
        phase.pk = None
        phase.template = copy
        phase.save()
        for task in tasks:
            task.pk = None
            task.phase = phase
            task.save()
    return copy
