"""The road of a wish (ønske) from a user group to the FMK roadmap.

A pure module: states, the allowed steps between them and the check that a
step is allowed. No ORM, settings or clock (only gettext for the labels and
messages), so every rule is testable without a database; `services` applies
a checked step to a wish and records it.

The flow, as the source describes the fora's mandates:

- the clinical user groups and the operations group collect wishes
  (`raise`), qualify and first prioritise them (`qualify`), or turn them
  down (`dismiss`);
- the coordination group qualifies and prioritises them onto the
  multi-year roadmap by quarter (`prioritise`), reprioritises (`reschedule`),
  postpones or rejects them, and marks them delivered;
- technical changes are assessed by FMK CAB, the change advisory board,
  before they can be prioritised (`send_to_cab`, `cab_endorse`,
  `cab_advise_against`);
- the programme group escalates critical deviations of a planned wish to
  the programme steering group (`escalate`), which puts it back on the
  roadmap (`replan`) or stops it (`stop`).
"""

import enum
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

# Forum kinds, as `Forum.Kind` stores them.
USER_GROUP = "user_group"
OPERATIONS_GROUP = "operations_group"
COORDINATION_GROUP = "coordination_group"
ADVISORY_BOARD = "advisory_board"
PROGRAMME_GROUP = "programme_group"
STEERING_GROUP = "steering_group"

# Decision kinds, as `Decision.Kind` stores them.
APPROVED = "approved"
PRIORITISED = "prioritised"
REJECTED = "rejected"
POSTPONED = "postponed"
ESCALATED = "escalated"

ORIGIN_FORUM_KINDS = (USER_GROUP, OPERATIONS_GROUP)


class State(enum.StrEnum):
    RAISED = "raised"
    QUALIFIED = "qualified"
    CAB_REVIEW = "cab_review"
    CAB_ENDORSED = "cab_endorsed"
    PRIORITISED = "prioritised"
    POSTPONED = "postponed"
    ESCALATED = "escalated"
    DELIVERED = "delivered"
    REJECTED = "rejected"

    @property
    def label(self):
        return STATE_LABELS[self]


STATE_LABELS = {
    State.RAISED: _("raised"),
    State.QUALIFIED: _("qualified"),
    State.CAB_REVIEW: _("with FMK CAB"),
    State.CAB_ENDORSED: _("endorsed by FMK CAB"),
    State.PRIORITISED: _("on the roadmap"),
    State.POSTPONED: _("postponed"),
    State.ESCALATED: _("escalated"),
    State.DELIVERED: _("delivered"),
    State.REJECTED: _("rejected"),
}

# The states whose wishes have a place on the roadmap.
ROADMAP_STATES = (State.PRIORITISED, State.ESCALATED, State.DELIVERED)
FINAL_STATES = (State.DELIVERED, State.REJECTED)


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    quarter: int

    def __post_init__(self):
        if not 1 <= self.quarter <= 4:
            raise ValueError(f"quarter must be 1–4, not {self.quarter}")

    @classmethod
    def of(cls, day):
        """The quarter a date falls in."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text):
        """'2025-Q3' (the form's and the URL's spelling) -> Quarter(2025, 3)."""
        year, _sep, quarter = text.strip().upper().partition("-Q")
        return cls(int(year), int(quarter))

    def __str__(self):
        return f"{self.year}-Q{self.quarter}"

    @property
    def label(self):
        return _("Q%(quarter)s %(year)s") % {"quarter": self.quarter, "year": self.year}

    def next(self):
        return Quarter(self.year + self.quarter // 4, self.quarter % 4 + 1)


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    # The states it starts from, for ordinary wishes and for technical
    # changes (which go through CAB); None stands for "not yet raised".
    sources: frozenset
    technical_sources: frozenset
    target: State
    forum_kinds: frozenset
    # Who decides it, as the error message names them.
    decided_by: str
    decision_kind: str | None = None
    # Only the forum the wish was raised in may take this step.
    origin_forum_only: bool = False
    needs_meeting: bool = True
    needs_reason: bool = True
    needs_quarter: bool = False
    help_text: str = field(default="", compare=False)


def _step(name, label, sources, target, kinds, decided_by, technical_sources=None, **options):
    sources = frozenset(sources)
    return Transition(
        name=name,
        label=label,
        sources=sources,
        technical_sources=sources if technical_sources is None else frozenset(technical_sources),
        target=target,
        forum_kinds=frozenset(kinds),
        decided_by=decided_by,
        **options,
    )


_ORIGIN_GROUPS = _("the user group or operations group it was raised in")
_COORDINATION = _("FMK National koordinationsgruppe")

TRANSITIONS = {
    t.name: t
    for t in [
        _step(
            "raise",
            _("raise"),
            [None],
            State.RAISED,
            ORIGIN_FORUM_KINDS,
            _ORIGIN_GROUPS,
            origin_forum_only=True,
            needs_meeting=False,
            needs_reason=False,
        ),
        _step(
            "qualify",
            _("qualify and forward to the coordination group"),
            [State.RAISED],
            State.QUALIFIED,
            ORIGIN_FORUM_KINDS,
            _ORIGIN_GROUPS,
            decision_kind=APPROVED,
            origin_forum_only=True,
        ),
        _step(
            "dismiss",
            _("dismiss in the user group"),
            [State.RAISED],
            State.REJECTED,
            ORIGIN_FORUM_KINDS,
            _ORIGIN_GROUPS,
            decision_kind=REJECTED,
            origin_forum_only=True,
        ),
        _step(
            "send_to_cab",
            _("send to FMK CAB"),
            [],
            State.CAB_REVIEW,
            [COORDINATION_GROUP],
            _COORDINATION,
            technical_sources=[State.QUALIFIED, State.POSTPONED],
        ),
        _step(
            "cab_endorse",
            _("endorse (FMK CAB)"),
            [],
            State.CAB_ENDORSED,
            [ADVISORY_BOARD],
            _("FMK CAB"),
            technical_sources=[State.CAB_REVIEW],
            decision_kind=APPROVED,
        ),
        _step(
            "cab_advise_against",
            _("advise against (FMK CAB)"),
            [],
            State.QUALIFIED,
            [ADVISORY_BOARD],
            _("FMK CAB"),
            technical_sources=[State.CAB_REVIEW],
        ),
        _step(
            "prioritise",
            _("prioritise onto the roadmap"),
            [State.QUALIFIED, State.POSTPONED],
            State.PRIORITISED,
            [COORDINATION_GROUP],
            _COORDINATION,
            technical_sources=[State.CAB_ENDORSED],
            decision_kind=PRIORITISED,
            needs_quarter=True,
        ),
        _step(
            "reschedule",
            _("move to another quarter"),
            [State.PRIORITISED],
            State.PRIORITISED,
            [COORDINATION_GROUP],
            _COORDINATION,
            decision_kind=PRIORITISED,
            needs_quarter=True,
        ),
        _step(
            "postpone",
            _("postpone"),
            [State.QUALIFIED, State.PRIORITISED],
            State.POSTPONED,
            [COORDINATION_GROUP],
            _COORDINATION,
            technical_sources=[State.QUALIFIED, State.CAB_ENDORSED, State.PRIORITISED],
            decision_kind=POSTPONED,
        ),
        _step(
            "reject",
            _("reject"),
            [State.QUALIFIED, State.POSTPONED],
            State.REJECTED,
            [COORDINATION_GROUP],
            _COORDINATION,
            technical_sources=[State.QUALIFIED, State.CAB_ENDORSED, State.POSTPONED],
            decision_kind=REJECTED,
        ),
        _step(
            "escalate",
            _("escalate a critical deviation"),
            [State.PRIORITISED],
            State.ESCALATED,
            [PROGRAMME_GROUP],
            _("FMK Programgruppen"),
            decision_kind=ESCALATED,
        ),
        _step(
            "replan",
            _("put back on the roadmap (steering group)"),
            [State.ESCALATED],
            State.PRIORITISED,
            [STEERING_GROUP],
            _("the programme steering group"),
            decision_kind=APPROVED,
            needs_quarter=True,
        ),
        _step(
            "stop",
            _("stop (steering group)"),
            [State.ESCALATED],
            State.REJECTED,
            [STEERING_GROUP],
            _("the programme steering group"),
            decision_kind=REJECTED,
        ),
        _step(
            "deliver",
            _("mark as delivered"),
            [State.PRIORITISED],
            State.DELIVERED,
            [COORDINATION_GROUP, PROGRAMME_GROUP],
            _("the coordination group or the programme group"),
        ),
    ]
}


class TransitionNotAllowed(ValueError):
    """A step the flow does not allow; the message says why, for the user."""

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.message = message
        # The form field the message belongs to, when there is one.
        self.field = field


def _sources(transition, is_technical):
    return transition.technical_sources if is_technical else transition.sources


def allowed_transitions(state, *, is_technical):
    """The steps a wish in `state` may take next (without "raise")."""
    return [
        t for t in TRANSITIONS.values() if t.name != "raise" and state in _sources(t, is_technical)
    ]


def check(
    state,
    name,
    *,
    is_technical,
    forum_kind=None,
    forum_is_origin=False,
    has_reason=True,
    quarter=None,
    meeting_quarter=None,
):
    """Return the transition `name` if a wish in `state` may take it.

    `state` is None for a wish not yet raised. `forum_kind` is the kind of
    the forum deciding (the meeting's forum, or for "raise" without a
    meeting the forum the wish comes from). Raises TransitionNotAllowed
    with a message for the user otherwise.
    """
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise TransitionNotAllowed(
            _("“%(name)s” is not a step of the wish flow.") % {"name": name}, field="transition"
        )
    if state not in _sources(transition, is_technical):
        if transition.name == "send_to_cab" and not is_technical:
            message = _("Only technical changes go to FMK CAB.")
        elif transition.name == "prioritise" and is_technical and state in transition.sources:
            message = _("A technical change must be endorsed by FMK CAB before it is prioritised.")
        else:
            allowed = [str(t.label) for t in allowed_transitions(state, is_technical=is_technical)]
            message = _(
                "A wish that is “%(state)s” cannot take the step “%(step)s”. "
                "Allowed now: %(allowed)s."
            ) % {
                "state": state.label if state else _("not yet raised"),
                "step": transition.label,
                "allowed": ", ".join(allowed) if allowed else _("none (the wish is closed)"),
            }
        raise TransitionNotAllowed(message, field="transition")
    if forum_kind is None:
        if transition.needs_meeting:
            raise TransitionNotAllowed(
                _("Choose the meeting in which “%(step)s” was decided.")
                % {"step": transition.label},
                field="meeting",
            )
    elif forum_kind not in transition.forum_kinds or (
        transition.origin_forum_only and not forum_is_origin
    ):
        raise TransitionNotAllowed(
            _("“%(step)s” is decided by %(decided_by)s; choose one of its meetings.")
            % {"step": transition.label, "decided_by": transition.decided_by},
            field="meeting",
        )
    if transition.needs_reason and not has_reason:
        raise TransitionNotAllowed(
            _("Say why (“%(step)s”): the reason is kept with the wish.")
            % {"step": transition.label},
            field="reason",
        )
    if transition.needs_quarter:
        if quarter is None:
            raise TransitionNotAllowed(
                _("Choose the roadmap quarter for “%(step)s”.") % {"step": transition.label},
                field="quarter",
            )
        if meeting_quarter is not None and quarter < meeting_quarter:
            raise TransitionNotAllowed(
                _("The roadmap quarter cannot lie before the meeting (%(quarter)s).")
                % {"quarter": meeting_quarter.label},
                field="quarter",
            )
    return transition
