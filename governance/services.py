"""The business operations on wishes: raise one, and move it a step.

Views, admin and demo data call these functions, never `wish.status = …`,
so every change of status is checked by `wish_flow` and recorded as a
`WishTransition` (who, when, in which meeting, why) with, where the step is
a decision, the `Decision` of that meeting.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import wish_flow
from .models import Decision, Wish, WishTransition
from .wish_flow import Quarter, TransitionNotAllowed


@transaction.atomic
def raise_wish(
    *,
    title,
    description,
    origin_forum,
    by,
    is_technical=False,
    meeting=None,
    raised_on=None,
    reason="",
):
    """Record a new wish from a clinical user group or the operations group.

    `meeting` is optional (wishes also arrive between meetings); if given it
    must be a meeting of `origin_forum`.
    """
    forum = meeting.forum if meeting else origin_forum
    transition = wish_flow.check(
        None,
        "raise",
        is_technical=is_technical,
        forum_kind=forum.kind,
        forum_is_origin=forum.pk == origin_forum.pk,
    )
    wish = Wish(
        title=title,
        description=description,
        origin_forum=origin_forum,
        is_technical=is_technical,
        status=transition.target,
    )
    if raised_on is not None:
        wish.raised_on = raised_on
    elif meeting is not None:
        wish.raised_on = timezone.localdate(meeting.starts_at)
    wish.full_clean()
    wish.save()
    WishTransition.objects.create(
        wish=wish,
        name=transition.name,
        from_status="",
        to_status=transition.target,
        meeting=meeting,
        reason=reason,
        recorded_by=by,
    )
    return wish


@transaction.atomic
def apply_transition(*, wish, name, by, meeting=None, reason="", quarter=None, priority=None):
    """Move `wish` one step along the flow; return the recorded transition.

    Raises `TransitionNotAllowed` (with a message for the user) when the
    step is not allowed from the wish's status, for its kind, in that
    forum's meeting, without a reason, or without a roadmap quarter where
    one is needed. Nothing is written then.
    """
    # Lock the row: two coordinators recording steps at once must not both
    # start from the same status.
    wish = Wish.objects.select_for_update().get(pk=wish.pk)
    reason = (reason or "").strip()
    if isinstance(quarter, str):
        quarter = Quarter.parse(quarter)
    meeting_day = timezone.localdate(meeting.starts_at) if meeting else None
    transition = wish_flow.check(
        wish.state,
        name,
        is_technical=wish.is_technical,
        forum_kind=meeting.forum.kind if meeting else None,
        forum_is_origin=bool(meeting) and meeting.forum_id == wish.origin_forum_id,
        has_reason=bool(reason),
        quarter=quarter,
        meeting_quarter=Quarter.of(meeting_day) if meeting else None,
    )
    if meeting is not None and meeting.starts_at > timezone.now():
        raise TransitionNotAllowed(
            _("The meeting has not taken place yet; record the decision after it."),
            field="meeting",
        )

    decision = None
    if transition.decision_kind and meeting is not None:
        decision = Decision(
            meeting=meeting,
            kind=transition.decision_kind,
            subject=f"{wish.reference} {wish.title}"[:300],
            text=reason,
        )
        decision.full_clean()
        decision.save()

    from_status = wish.status
    wish.status = transition.target
    if transition.needs_quarter:
        wish.roadmap_year, wish.roadmap_quarter = quarter.year, quarter.quarter
    elif transition.target not in wish_flow.ROADMAP_STATES:
        # Postponed, rejected or back for assessment: off the roadmap.
        wish.roadmap_year = wish.roadmap_quarter = None
    if priority is not None:
        wish.priority = priority
    wish.full_clean()
    wish.save()
    record = WishTransition(
        wish=wish,
        name=transition.name,
        from_status=from_status,
        to_status=transition.target,
        meeting=meeting,
        decision=decision,
        reason=reason,
        roadmap_year=quarter.year if transition.needs_quarter else None,
        roadmap_quarter=quarter.quarter if transition.needs_quarter else None,
        recorded_by=by,
    )
    # The form limits the reason; this refuses an over-long one from any
    # other path (a command, the shell), and the transaction undoes the rest.
    record.full_clean()
    record.save()
    return record
