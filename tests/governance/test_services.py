import datetime

import pytest
from django.utils import timezone

from governance import services
from governance.models import Decision, Wish, WishTransition
from governance.wish_flow import Quarter, State, TransitionNotAllowed

from .factories import MeetingFactory, days_ago, forum

pytestmark = pytest.mark.django_db


@pytest.fixture
def meetings():
    """One recent meeting of each forum the flow passes through."""
    return {
        slug: MeetingFactory(forum=forum(slug), starts_at=days_ago(days))
        for slug, days in [
            ("kliniske-brugergrupper", 40),
            ("koordinationsgruppen", 30),
            ("cab", 20),
            ("programgruppen", 10),
            ("programstyregruppen", 5),
        ]
    }


@pytest.fixture
def wish(coordinator, meetings):
    return services.raise_wish(
        title="Visning af dosisdispensering",
        description="Dosisdispenserede lægemidler skal kunne ses samlet.",
        origin_forum=forum("kliniske-brugergrupper"),
        meeting=meetings["kliniske-brugergrupper"],
        by=coordinator,
    )


def step(wish, name, meeting, by, reason="Fordi det er besluttet.", **extra):
    return services.apply_transition(
        wish=wish, name=name, meeting=meeting, by=by, reason=reason, **extra
    )


def test_raising_records_the_first_step(wish, coordinator, meetings):
    assert wish.status == State.RAISED
    record = wish.transitions.get()
    assert (record.name, record.from_status, record.to_status) == ("raise", "", "raised")
    assert record.meeting == meetings["kliniske-brugergrupper"]
    assert record.recorded_by == coordinator
    assert wish.raised_on == timezone.localdate(meetings["kliniske-brugergrupper"].starts_at)


def test_only_user_groups_and_the_operations_group_raise_wishes(coordinator):
    with pytest.raises(TransitionNotAllowed):
        services.raise_wish(title="x", description="y", origin_forum=forum("cab"), by=coordinator)
    assert not Wish.objects.exists()


def test_each_step_records_who_when_where_and_why(wish, coordinator, meetings):
    before = timezone.now()
    record = step(
        wish,
        "qualify",
        meetings["kliniske-brugergrupper"],
        coordinator,
        reason="Efterspurgt af tre regioner.",
    )
    wish.refresh_from_db()
    assert wish.status == State.QUALIFIED
    assert (record.from_status, record.to_status) == ("raised", "qualified")
    assert record.recorded_by == coordinator and record.recorded_at >= before
    assert record.meeting == meetings["kliniske-brugergrupper"]
    assert record.reason == "Efterspurgt af tre regioner."
    assert record.decision.kind == Decision.Kind.APPROVED
    assert record.decision.meeting == meetings["kliniske-brugergrupper"]
    assert record.decision.subject == f"{wish.reference} Visning af dosisdispensering"


def test_prioritising_puts_the_wish_on_the_roadmap(wish, coordinator, meetings):
    step(wish, "qualify", meetings["kliniske-brugergrupper"], coordinator)
    meeting_quarter = Quarter.of(timezone.localdate(meetings["koordinationsgruppen"].starts_at))
    target = meeting_quarter.next()
    record = step(
        wish,
        "prioritise",
        meetings["koordinationsgruppen"],
        coordinator,
        quarter=str(target),
        priority=2,
    )
    wish.refresh_from_db()
    assert (wish.status, wish.roadmap_year, wish.roadmap_quarter, wish.priority) == (
        State.PRIORITISED,
        target.year,
        target.quarter,
        2,
    )
    assert (record.roadmap_year, record.roadmap_quarter) == (target.year, target.quarter)
    assert record.decision.kind == Decision.Kind.PRIORITISED
    assert list(Wish.objects.on_roadmap()) == [wish]


def test_a_refused_step_writes_nothing(wish, coordinator, meetings):
    with pytest.raises(TransitionNotAllowed, match="kan ikke tage trinnet"):
        step(wish, "prioritise", meetings["koordinationsgruppen"], coordinator, quarter="2030-Q1")
    with pytest.raises(TransitionNotAllowed, match="Angiv hvorfor"):
        step(wish, "dismiss", meetings["kliniske-brugergrupper"], coordinator, reason="  ")
    wish.refresh_from_db()
    assert wish.status == State.RAISED
    assert wish.transitions.count() == 1
    assert not Decision.objects.exists()


def test_a_step_cannot_cite_a_meeting_still_to_come(wish, coordinator):
    future = MeetingFactory(
        forum=forum("kliniske-brugergrupper"),
        starts_at=timezone.now() + datetime.timedelta(days=3),
    )
    with pytest.raises(TransitionNotAllowed, match="ikke fundet sted"):
        step(wish, "qualify", future, coordinator)
    assert WishTransition.objects.count() == 1


def test_postponing_takes_the_wish_off_the_roadmap(wish, coordinator, meetings):
    step(wish, "qualify", meetings["kliniske-brugergrupper"], coordinator)
    step(wish, "prioritise", meetings["koordinationsgruppen"], coordinator, quarter="2099-Q1")
    step(wish, "postpone", meetings["koordinationsgruppen"], coordinator)
    wish.refresh_from_db()
    assert (wish.status, wish.roadmap_year, wish.roadmap_quarter) == ("postponed", None, None)
    assert not Wish.objects.on_roadmap().exists()


def test_a_technical_change_through_cab_and_an_escalation(coordinator, meetings):
    wish = services.raise_wish(
        title="Nyt snitflade-endpoint",
        description="Ny version af webservicen.",
        origin_forum=forum("driftsgruppen"),
        is_technical=True,
        by=coordinator,
    )
    operations = MeetingFactory(forum=forum("driftsgruppen"), starts_at=days_ago(35))
    path = [
        ("qualify", operations, {}),
        ("send_to_cab", meetings["koordinationsgruppen"], {}),
        ("cab_endorse", meetings["cab"], {}),
        ("prioritise", meetings["koordinationsgruppen"], {"quarter": "2099-Q2"}),
        ("escalate", meetings["programgruppen"], {}),
        ("replan", meetings["programstyregruppen"], {"quarter": "2099-Q4"}),
        ("deliver", meetings["programgruppen"], {}),
    ]
    for name, meeting, extra in path:
        step(wish, name, meeting, coordinator, **extra)
    wish.refresh_from_db()
    assert wish.status == State.DELIVERED
    assert (wish.roadmap_year, wish.roadmap_quarter) == (2099, 4)
    records = list(wish.transitions.values_list("name", "to_status"))
    assert records == [
        ("raise", "raised"),
        ("qualify", "qualified"),
        ("send_to_cab", "cab_review"),
        ("cab_endorse", "cab_endorsed"),
        ("prioritise", "prioritised"),
        ("escalate", "escalated"),
        ("replan", "prioritised"),
        ("deliver", "delivered"),
    ]
    assert list(Decision.objects.order_by("pk").values_list("kind", "meeting__forum__slug")) == [
        ("approved", "driftsgruppen"),
        ("approved", "cab"),
        ("prioritised", "koordinationsgruppen"),
        ("escalated", "programgruppen"),
        ("approved", "programstyregruppen"),
    ]
