"""What coordinators do to wave plans: move, pin, unpin, publish.

Each service is one business operation in one transaction; the admin,
the views and the tests call the same functions. Only drafts change: a
published, superseded or historical plan is kept exactly as it was.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from municipalities.models import Membership

from .models import Assignment, Pin, WavePlan
from .planning import refresh_summary


class PlanNotEditable(ValidationError):
    pass


def _check_editable(plan):
    if not plan.is_editable:
        raise PlanNotEditable(
            _("%(plan)s is %(status)s and cannot be changed.")
            % {"plan": plan, "status": plan.get_status_display()},
            code="not_editable",
        )


def _mark_moved(plan):
    plan.is_stale = True
    plan.stale_reason = _("Changed by hand since it was computed: recompute to re-optimise.")
    plan.save(update_fields=["is_stale", "stale_reason"])


@transaction.atomic
def move_municipality(*, plan, municipality, wave, reason, by):
    """Move a municipality to another wave of a draft; this pins it there.

    The pin (with its required reason) is kept for every later
    recomputation, the draft's figures are recounted at once, and the draft
    is marked as changed by hand until it is recomputed.
    """
    _check_editable(plan)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason for the move."), code="reason_required")
    assignment = Assignment.objects.select_for_update().get(plan=plan, municipality=municipality)
    Pin.objects.update_or_create(
        municipality=municipality,
        scenario=plan.scenario,
        defaults={"wave": wave, "reason": reason[:300], "created_by": by},
    )
    assignment.moved_by_hand = assignment.moved_by_hand or assignment.wave_id != wave.pk
    assignment.wave = wave
    assignment.is_pinned = True
    assignment.pin_reason = reason[:300]
    assignment.save(update_fields=["wave", "is_pinned", "pin_reason", "moved_by_hand"])
    refresh_summary(plan)
    _mark_moved(plan)
    return assignment


@transaction.atomic
def pin_municipality(*, plan, municipality, reason, by):
    """Pin a municipality to the wave it has in the draft."""
    assignment = Assignment.objects.select_related("wave").get(
        plan=plan, municipality=municipality
    )
    return move_municipality(
        plan=plan, municipality=municipality, wave=assignment.wave, reason=reason, by=by
    )


@transaction.atomic
def unpin_municipality(*, plan, municipality, by):
    """Remove the pin: the next recomputation may move it again."""
    _check_editable(plan)
    Pin.objects.filter(municipality=municipality, scenario=plan.scenario).delete()
    updated = Assignment.objects.filter(plan=plan, municipality=municipality, is_pinned=True)
    if updated.update(is_pinned=False, pin_reason=""):
        _mark_moved(plan)


@transaction.atomic
def publish_plan(*, plan, by, decision=None, notify=True):
    """Publish a draft: the previously published plan is superseded.

    Refuses infeasible plans and plans over a wave's capacity (possible
    after moves by hand: recompute first). Project managers whose
    municipality's wave changed are e-mailed after the commit.
    """
    plan = WavePlan.objects.select_for_update().get(pk=plan.pk)
    _check_editable(plan)
    if not plan.has_plan:
        raise ValidationError(_("An infeasible plan cannot be published."), code="infeasible")
    if plan.scenario_id is not None:
        raise ValidationError(
            _("A scenario is for comparing; recompute the regular plan to publish."),
            code="scenario",
        )
    over = [
        wave
        for wave, (count, capacity) in plan.summary.get("capacity_use", {}).items()
        if count > capacity
    ]
    if over:
        raise ValidationError(
            _("Wave %(waves)s is over capacity: recompute the plan before publishing it.")
            % {"waves": ", ".join(over)},
            code="over_capacity",
        )
    previous = WavePlan.objects.select_for_update().published().first()
    now = timezone.now()
    if previous is not None:
        previous.status = WavePlan.Status.SUPERSEDED
        previous.superseded_at = now
        previous.save(update_fields=["status", "superseded_at"])
    plan.status = WavePlan.Status.PUBLISHED
    plan.published_at = now
    plan.published_by = by
    plan.decision = decision
    plan.save(update_fields=["status", "published_at", "published_by", "decision"])
    if notify:
        previous_id = previous.pk if previous else None
        transaction.on_commit(lambda: _queue_notifications(plan.pk, previous_id))
    return plan


def _queue_notifications(plan_id, previous_id):
    from .tasks import notify_wave_changes

    notify_wave_changes.delay(plan_id, previous_id)


def changed_municipalities(plan, previous):
    """{code: (old wave or None, new wave)} for every municipality whose
    wave differs between the previous published plan and this one."""
    new = {a.municipality_id: a.wave for a in plan.assignments.select_related("wave")}
    old = {}
    if previous is not None:
        old = {a.municipality_id: a.wave for a in previous.assignments.select_related("wave")}
    return {code: (old.get(code), wave) for code, wave in new.items() if old.get(code) != wave}


def send_wave_change_emails(*, plan, previous):
    """E-mail each project manager whose municipality's wave changed."""
    changes = changed_municipalities(plan, previous)
    memberships = (
        Membership.objects.filter(municipality_id__in=changes, user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "municipality")
    )
    messages = []
    for membership in memberships:
        old, new = changes[membership.municipality_id]
        municipality = membership.municipality
        if old is None:
            body = _(
                "%(municipality)s is in %(wave)s (%(start)s – %(end)s) in the published wave "
                "plan for FMK."
            )
        else:
            body = _(
                "%(municipality)s has moved from %(old)s to %(wave)s (%(start)s – %(end)s) in "
                "the published wave plan for FMK."
            )
        body = body % {
            "municipality": municipality.name,
            "old": old,
            "wave": new,
            "start": new.starts_on.strftime("%d.%m.%Y"),
            "end": new.ends_on.strftime("%d.%m.%Y"),
        }
        url = settings.PORTAL_BASE_URL.rstrip("/") + municipality.get_absolute_url()
        body += "\n\n" + _("See why on the portal: %(url)s") % {"url": url}
        messages.append(
            (
                _("FMK wave plan: %(municipality)s is in %(wave)s")
                % {"municipality": municipality.short_name, "wave": new},
                body,
                settings.DEFAULT_FROM_EMAIL,
                [membership.user.email],
            )
        )
    send_mass_mail(messages, fail_silently=False)
    return len(messages)
