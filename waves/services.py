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

from . import planning, solver
from .models import Assignment, Pin, WavePlan
from .planning.saving import conflict_json


class PlanNotEditable(ValidationError):
    pass


def _check_editable(plan):
    if not plan.is_editable:
        raise PlanNotEditable(
            _("%(plan)s is %(status)s and cannot be changed.")
            % {"plan": plan, "status": plan.get_status_display()},
            code="not_editable",
        )


@transaction.atomic
def move_municipalities(*, plan, municipalities, wave, reason, by):
    """Move municipalities to another wave of a draft; this pins them there.

    The whole selection in one transaction (all moved or none) and one
    recount of the draft's figures. The pins (with their required reason)
    are kept for every later recomputation; the moved assignments are
    marked as moved by hand until the draft is recomputed.
    """
    _check_editable(plan)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason for the move."), code="reason_required")
    codes = [m.pk for m in municipalities]
    assignments = list(
        Assignment.objects.select_for_update().filter(plan=plan, municipality_id__in=codes)
    )
    for assignment in assignments:
        Pin.objects.update_or_create(
            municipality_id=assignment.municipality_id,
            scenario=plan.scenario,
            defaults={"wave": wave, "reason": reason[:300], "created_by": by},
        )
        assignment.moved_by_hand = assignment.moved_by_hand or assignment.wave_id != wave.pk
        assignment.wave = wave
        assignment.is_pinned = True
        assignment.pin_reason = reason[:300]
    Assignment.objects.bulk_update(
        assignments, ["wave", "is_pinned", "pin_reason", "moved_by_hand"], batch_size=500
    )
    planning.recount_plan(plan)
    return assignments


def move_municipality(*, plan, municipality, wave, reason, by):
    """Move one municipality (see `move_municipalities`)."""
    return move_municipalities(
        plan=plan, municipalities=[municipality], wave=wave, reason=reason, by=by
    )[0]


@transaction.atomic
def pin_municipalities(*, plan, municipalities, reason, by):
    """Pin municipalities to the waves they have in the draft, in one
    transaction."""
    _check_editable(plan)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason for the pin."), code="reason_required")
    assignments = list(
        Assignment.objects.select_for_update().filter(
            plan=plan, municipality_id__in=[m.pk for m in municipalities]
        )
    )
    for assignment in assignments:
        Pin.objects.update_or_create(
            municipality_id=assignment.municipality_id,
            scenario=plan.scenario,
            defaults={"wave_id": assignment.wave_id, "reason": reason[:300], "created_by": by},
        )
        assignment.is_pinned = True
        assignment.pin_reason = reason[:300]
    Assignment.objects.bulk_update(assignments, ["is_pinned", "pin_reason"], batch_size=500)
    return assignments


def pin_municipality(*, plan, municipality, reason, by):
    """Pin one municipality in the wave it has in the draft."""
    return pin_municipalities(plan=plan, municipalities=[municipality], reason=reason, by=by)[0]


@transaction.atomic
def unpin_municipalities(*, plan, municipalities, by):
    """Remove the pins: the next recomputation may move them again."""
    _check_editable(plan)
    codes = [m.pk for m in municipalities]
    Pin.objects.filter(municipality_id__in=codes, scenario=plan.scenario).delete()
    return Assignment.objects.filter(plan=plan, municipality_id__in=codes, is_pinned=True).update(
        is_pinned=False, pin_reason=""
    )


def unpin_municipality(*, plan, municipality, by):
    return unpin_municipalities(plan=plan, municipalities=[municipality], by=by)


class PlanBreaksRules(ValidationError):
    pass


def publication_problems(plan):
    """The hard rules the plan breaks as it stands, against today's
    inputs (the solver's own check): worded for the coordinator."""
    problem, document = planning.gather_inputs()
    assignment = dict(plan.assignments.values_list("municipality_id", "wave__number"))
    conflicts = solver.check_plan(problem, assignment)
    if not conflicts:
        return []
    text = planning.describe_conflicts([conflict_json(c) for c in conflicts], document)
    return text.splitlines()


@transaction.atomic
def publish_plan(*, plan, by, decision=None, notify=True):
    """Publish a draft: the previously published plan is superseded.

    Refuses a plan without one and a plan that breaks any hard rule as
    it stands (a draft moved by hand may put a municipality over a wave's
    capacity or before its vendor's earliest wave), naming each breach.
    Project managers whose municipality's wave changed are e-mailed after
    the commit.
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
    breaches = publication_problems(plan)
    if breaches:
        raise PlanBreaksRules(
            [_("The plan breaks a rule and cannot be published:"), *breaches],
            code="breaks_rules",
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
