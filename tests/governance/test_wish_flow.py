"""The wish flow's rules, without a database."""

import pytest

from governance import wish_flow
from governance.models import Decision, Forum
from governance.wish_flow import Quarter, State, TransitionNotAllowed, check

COORDINATION = wish_flow.COORDINATION_GROUP
CAB = wish_flow.ADVISORY_BOARD


def test_every_kind_the_flow_names_is_a_forum_kind_and_a_decision_kind():
    for transition in wish_flow.TRANSITIONS.values():
        assert transition.forum_kinds <= set(Forum.Kind.values)
        assert transition.decision_kind in {None, *Decision.Kind.values}


def test_a_raised_wish_is_qualified_by_the_group_it_came_from():
    step = check(
        State.RAISED, "qualify", is_technical=False, forum_kind="user_group", forum_is_origin=True
    )
    assert step.target == State.QUALIFIED
    assert step.decision_kind == wish_flow.APPROVED


def test_another_user_group_cannot_qualify_it():
    with pytest.raises(TransitionNotAllowed, match="rejst i") as error:
        check(
            State.RAISED,
            "qualify",
            is_technical=False,
            forum_kind="user_group",
            forum_is_origin=False,
        )
    assert error.value.field == "meeting"


def test_the_coordination_group_cannot_prioritise_an_unqualified_wish():
    with pytest.raises(TransitionNotAllowed) as error:
        check(
            State.RAISED,
            "prioritise",
            is_technical=False,
            forum_kind=COORDINATION,
            quarter=Quarter(2026, 1),
        )
    message = str(error.value.message)
    assert "“rejst”" in message and "“prioritér på roadmappen”" in message
    assert "kvalificér og send videre til koordinationsgruppen" in message  # what is allowed


def test_only_the_coordination_group_prioritises():
    with pytest.raises(TransitionNotAllowed, match="FMK National koordinationsgruppe"):
        check(
            State.QUALIFIED,
            "prioritise",
            is_technical=False,
            forum_kind=CAB,
            quarter=Quarter(2026, 1),
        )


def test_prioritising_needs_a_quarter_not_before_the_meeting():
    with pytest.raises(TransitionNotAllowed, match="roadmap-kvartalet") as error:
        check(State.QUALIFIED, "prioritise", is_technical=False, forum_kind=COORDINATION)
    assert error.value.field == "quarter"
    with pytest.raises(TransitionNotAllowed, match="før mødet"):
        check(
            State.QUALIFIED,
            "prioritise",
            is_technical=False,
            forum_kind=COORDINATION,
            quarter=Quarter(2025, 4),
            meeting_quarter=Quarter(2026, 1),
        )
    step = check(
        State.QUALIFIED,
        "prioritise",
        is_technical=False,
        forum_kind=COORDINATION,
        quarter=Quarter(2026, 1),
        meeting_quarter=Quarter(2026, 1),
    )
    assert step.target == State.PRIORITISED


def test_a_technical_change_must_pass_cab_before_it_is_prioritised():
    with pytest.raises(TransitionNotAllowed, match="anbefales af FMK CAB"):
        check(
            State.QUALIFIED,
            "prioritise",
            is_technical=True,
            forum_kind=COORDINATION,
            quarter=Quarter(2026, 1),
        )
    check(State.QUALIFIED, "send_to_cab", is_technical=True, forum_kind=COORDINATION)
    check(State.CAB_REVIEW, "cab_endorse", is_technical=True, forum_kind=CAB)
    check(
        State.CAB_ENDORSED,
        "prioritise",
        is_technical=True,
        forum_kind=COORDINATION,
        quarter=Quarter(2026, 1),
    )


def test_only_technical_changes_go_to_cab():
    with pytest.raises(TransitionNotAllowed, match="Kun tekniske ændringer"):
        check(State.QUALIFIED, "send_to_cab", is_technical=False, forum_kind=COORDINATION)


def test_critical_deviations_go_from_programme_group_to_steering_group():
    step = check(
        State.PRIORITISED, "escalate", is_technical=False, forum_kind=wish_flow.PROGRAMME_GROUP
    )
    assert step.target == State.ESCALATED and step.decision_kind == wish_flow.ESCALATED
    with pytest.raises(TransitionNotAllowed):
        check(State.PRIORITISED, "escalate", is_technical=False, forum_kind=COORDINATION)
    assert (
        check(
            State.ESCALATED, "stop", is_technical=False, forum_kind=wish_flow.STEERING_GROUP
        ).target
        == State.REJECTED
    )


def test_every_step_but_raising_needs_a_reason_and_a_meeting():
    with pytest.raises(TransitionNotAllowed, match="Angiv hvorfor") as error:
        check(
            State.QUALIFIED,
            "reject",
            is_technical=False,
            forum_kind=COORDINATION,
            has_reason=False,
        )
    assert error.value.field == "reason"
    with pytest.raises(TransitionNotAllowed, match="Vælg det møde"):
        check(State.QUALIFIED, "reject", is_technical=False)


def test_a_closed_wish_allows_nothing():
    for state in wish_flow.FINAL_STATES:
        assert wish_flow.allowed_transitions(state, is_technical=False) == []
        with pytest.raises(TransitionNotAllowed, match="afsluttet"):
            check(state, "postpone", is_technical=False, forum_kind=COORDINATION)


def test_an_unknown_step_is_named_in_the_error():
    with pytest.raises(TransitionNotAllowed, match="“approve_all” er ikke et trin"):
        check(State.RAISED, "approve_all", is_technical=False)


@pytest.mark.parametrize("is_technical", [False, True])
def test_every_state_but_the_final_ones_can_be_left_and_reached(is_technical):
    reachable = {State.RAISED}
    frontier = [State.RAISED]
    while frontier:
        state = frontier.pop()
        for step in wish_flow.allowed_transitions(state, is_technical=is_technical):
            if step.target not in reachable:
                reachable.add(step.target)
                frontier.append(step.target)
    cab_states = {State.CAB_REVIEW, State.CAB_ENDORSED}
    expected = set(State) if is_technical else set(State) - cab_states
    assert reachable == expected
    for state in expected - set(wish_flow.FINAL_STATES):
        assert wish_flow.allowed_transitions(state, is_technical=is_technical)


def test_quarters_parse_order_and_follow_each_other():
    assert Quarter.parse("2025-q4") == Quarter(2025, 4)
    assert Quarter(2025, 4).next() == Quarter(2026, 1)
    assert Quarter(2025, 4) < Quarter(2026, 1)
    assert str(Quarter(2026, 2)) == "2026-Q2"
    with pytest.raises(ValueError):
        Quarter(2026, 5)
