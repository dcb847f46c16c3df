import datetime

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from governance import calendar, services
from governance.models import Decision, Forum, Wish

from .factories import (
    DecisionFactory,
    MeetingFactory,
    MembershipFactory,
    PersonFactory,
    days_ago,
    forum,
    party,
)

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("governance:overview")
ROADMAP = reverse("governance:roadmap")
WISHES = reverse("governance:wish-list")


def forum_url(slug="koordinationsgruppen"):
    return reverse("governance:forum-detail", args=[slug])


def queries_for(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def add_governance_data(by, scale):
    """Members in every forum, meetings with decisions, wishes on the roadmap."""
    this_quarter = services.Quarter.of(timezone.localdate())
    for index, shipped in enumerate(Forum.objects.all()):
        for n in range(scale):
            MembershipFactory(forum=shipped, party=party(["kl", "regions", "plo"][n % 3]))
            MembershipFactory(
                forum=shipped,
                start_date=datetime.date(2020, 1, 1),
                end_date=datetime.date(2021, 1, 1),
            )
        for n in range(scale):
            meeting = MeetingFactory(forum=shipped, starts_at=days_ago(10 + n + index))
            DecisionFactory(meeting=meeting)
            MeetingFactory(
                forum=shipped, starts_at=timezone.now() + datetime.timedelta(days=5 + n)
            )
    user_group = MeetingFactory(forum=forum("kliniske-brugergrupper"), starts_at=days_ago(8))
    coordination = MeetingFactory(forum=forum("koordinationsgruppen"), starts_at=days_ago(7))
    for n in range(scale):
        wish = services.raise_wish(
            title=f"Ønske {scale}-{n}",
            description="…",
            origin_forum=user_group.forum,
            by=by,
        )
        services.apply_transition(
            wish=wish, name="qualify", meeting=user_group, by=by, reason="Klar."
        )
        quarter = this_quarter
        for _ in range(n % 6):
            quarter = quarter.next()
        services.apply_transition(
            wish=wish,
            name="prioritise",
            meeting=coordination,
            by=by,
            reason="Vigtigt.",
            quarter=quarter,
        )


# Who may see what


def test_anonymous_users_log_in_first(client):
    response = client.get(OVERVIEW)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("persona", ["coordinator_client", "viewer_client", "odense_client"])
@pytest.mark.parametrize("url", [OVERVIEW, ROADMAP, WISHES, forum_url()])
def test_every_role_reads_the_governance_pages(request, persona, url):
    assert request.getfixturevalue(persona).get(url).status_code == 200


def test_project_managers_do_not_see_members_contact_details(odense_client, viewer):
    MembershipFactory(person=PersonFactory(email="hemmelig@example.invalid"))
    response = odense_client.get(forum_url())
    assertContains(response, "Testperson")
    assertNotContains(response, "hemmelig@example.invalid")


def test_viewers_see_members_contact_details(viewer_client):
    MembershipFactory(person=PersonFactory(email="synlig@example.invalid"))
    assertContains(viewer_client.get(forum_url()), "synlig@example.invalid")


def test_only_coordinators_record_steps(viewer_client, coordinator):
    wish = services.raise_wish(
        title="x", description="y", origin_forum=forum("driftsgruppen"), by=coordinator
    )
    url = reverse("governance:wish-transition", args=[wish.pk])
    assert viewer_client.post(url, {"transition": "dismiss"}).status_code == 403
    assert viewer_client.get(reverse("governance:wish-create")).status_code == 403
    assert wish.transitions.count() == 1


# The overview


def test_overview_shows_the_hierarchy_and_the_parties(viewer_client):
    response = viewer_client.get(OVERVIEW)
    for name in Forum.objects.values_list("name_da", flat=True):
        assertContains(response, name)
    assertContains(response, "Apotekerne repræsenteret gennem Apotekerforeningen")
    assertContains(response, "servicedesk@sundhedsdata.dk")
    # The board's subtree nests the FSI steering group, then the coordination group.
    html = response.content.decode()
    board = html.index("Den nationale bestyrelse")
    assert (
        board
        < html.index("Styregruppen for fællesoffentlig")
        < html.index("FMK National koordinationsgruppe")
    )
    assertContains(response, 'aria-label="Rapporterer til Koordinationsgruppen"')


def test_overview_counts_current_members_per_party(viewer_client):
    MembershipFactory(forum=forum("cab"), party=party("medcom"))
    MembershipFactory(
        forum=forum("cab"),
        party=party("medcom"),
        start_date=datetime.date(2019, 1, 1),
        end_date=datetime.date(2019, 12, 31),
    )
    response = viewer_client.get(OVERVIEW)
    row = next(r for r in response.context["matrix"] if r["forum"].slug == "cab")
    members = {cell["party"].slug: cell["members"] for cell in row["cells"]}
    assert members["medcom"] == 1 and members["kl"] == 0


def test_overview_query_count_does_not_grow(viewer_client, coordinator):
    add_governance_data(coordinator, scale=1)
    few = queries_for(viewer_client, OVERVIEW)
    add_governance_data(coordinator, scale=6)
    assert queries_for(viewer_client, OVERVIEW) == few


# A forum's page


def test_forum_page_shows_mandate_members_meetings_and_decisions(viewer_client):
    MembershipFactory(person=PersonFactory(name="Nuværende Person"), role="chair")
    MembershipFactory(
        person=PersonFactory(name="Tidligere Person"),
        start_date=datetime.date(2019, 1, 1),
        end_date=datetime.date(2020, 6, 30),
    )
    decision = DecisionFactory(subject="Roadmap for næste år godkendt")
    response = viewer_client.get(forum_url())
    assertContains(response, "repræsenterer forretningen")
    assertContains(response, "Nuværende Person")
    assert [m.person.name for m in response.context["past_memberships"]] == ["Tidligere Person"]
    assert response.context["members_by_party"][0]["party"].slug == "kl"
    assertContains(response, "Roadmap for næste år godkendt")
    assertContains(response, decision.meeting.get_absolute_url())


def test_forum_page_query_count_does_not_grow(viewer_client, coordinator):
    add_governance_data(coordinator, scale=1)
    few = queries_for(viewer_client, forum_url())
    add_governance_data(coordinator, scale=6)
    assert queries_for(viewer_client, forum_url()) == few


def test_unknown_forum_is_404(viewer_client):
    assert viewer_client.get(forum_url("ukendt")).status_code == 404


# The roadmap and the wishes


def test_roadmap_lists_prioritised_wishes_in_their_quarter(viewer_client, coordinator):
    add_governance_data(coordinator, scale=2)
    response = viewer_client.get(ROADMAP)
    quarter = services.Quarter.of(timezone.localdate())
    current = next(q for y in response.context["years"] for q in y["quarters"] if q["is_current"])
    assert current["quarter"] == quarter
    assert [w.title for w in current["wishes"]] == ["Ønske 2-0"]
    assertContains(response, "Ønske 2-1")


def test_roadmap_query_count_does_not_grow(viewer_client, coordinator):
    add_governance_data(coordinator, scale=1)
    few = queries_for(viewer_client, ROADMAP)
    add_governance_data(coordinator, scale=8)
    assert queries_for(viewer_client, ROADMAP) == few


def test_wish_list_filters(viewer_client, coordinator):
    add_governance_data(coordinator, scale=2)
    services.raise_wish(
        title="Driftens eget ønske",
        description="…",
        origin_forum=forum("driftsgruppen"),
        by=coordinator,
    )
    response = viewer_client.get(WISHES, {"status": "raised"})
    assert [w.title for w in response.context["table"].data] == ["Driftens eget ønske"]
    response = viewer_client.get(WISHES, {"q": "2-1"})
    assert [w.title for w in response.context["table"].data] == ["Ønske 2-1"]


def test_wish_list_query_count_does_not_grow(viewer_client, coordinator):
    add_governance_data(coordinator, scale=1)
    few = queries_for(viewer_client, WISHES)
    add_governance_data(coordinator, scale=8)
    assert queries_for(viewer_client, WISHES) == few


def test_excel_export_holds_the_filtered_wishes_and_neutralises_formulas(
    viewer_client, coordinator
):
    import io

    import openpyxl

    for title in ['=HYPERLINK("http://evil")', "+1", "-2", "@SUM(A1)", "\tx", "Almindeligt"]:
        services.raise_wish(
            title=title, description="=1+1", origin_forum=forum("driftsgruppen"), by=coordinator
        )
    response = viewer_client.get(reverse("governance:wish-export"), {"status": "raised"})
    assert response["Content-Disposition"].startswith('attachment; filename="fmk-oensker-')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Nr.", "Titel", "Beskrivelse")
    titles = sorted(row[1] for row in rows[1:])
    assert titles == sorted(
        ['\'=HYPERLINK("http://evil")', "'+1", "'-2", "'@SUM(A1)", "'\tx", "Almindeligt"]
    )
    assert all(row[2] == "'=1+1" for row in rows[1:])
    for row in sheet.iter_rows(min_row=2):
        assert all(cell.data_type != "f" for cell in row)


def test_coordinator_records_a_step_on_the_wish_page(coordinator_client, coordinator):
    meeting = MeetingFactory(forum=forum("driftsgruppen"), starts_at=days_ago(3))
    wish = services.raise_wish(
        title="Oppetid", description="…", origin_forum=forum("driftsgruppen"), by=coordinator
    )
    response = coordinator_client.post(
        reverse("governance:wish-transition", args=[wish.pk]),
        {"transition": "qualify", "meeting": meeting.pk, "reason": "Godt beskrevet."},
    )
    assert response.status_code == 302
    wish.refresh_from_db()
    assert wish.status == "qualified"
    step = wish.transitions.last()
    assert (step.meeting, step.reason, step.recorded_by) == (
        meeting,
        "Godt beskrevet.",
        coordinator,
    )
    assertContains(coordinator_client.get(wish.get_absolute_url()), "Godt beskrevet.")


def test_a_refused_step_is_explained_on_the_form_and_nothing_changes(
    coordinator_client, coordinator
):
    user_group = MeetingFactory(forum=forum("kliniske-brugergrupper"), starts_at=days_ago(3))
    wish = services.raise_wish(
        title="Oppetid", description="…", origin_forum=forum("driftsgruppen"), by=coordinator
    )
    response = coordinator_client.post(
        reverse("governance:wish-transition", args=[wish.pk]),
        {"transition": "qualify", "meeting": user_group.pk, "reason": "Forkert forum."},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["meeting"]
    assertContains(response, "vælg et af dets møder", status_code=400)
    wish.refresh_from_db()
    assert wish.status == "raised" and wish.transitions.count() == 1
    assert not Decision.objects.exists()


def test_coordinator_records_a_new_wish(coordinator_client):
    response = coordinator_client.post(
        reverse("governance:wish-create"),
        {
            "title": "Ny visning",
            "description": "Bedre overblik.",
            "origin_forum": forum("kliniske-brugergrupper").pk,
        },
    )
    wish = Wish.objects.get()
    assert response.status_code == 302 and response["Location"] == wish.get_absolute_url()
    assert wish.transitions.get().name == "raise"


# The calendar feed


def test_calendar_feed_parses_and_lists_the_forums_meetings(viewer_client):
    meeting = MeetingFactory(place="Odense", agenda="1. Roadmap")
    MeetingFactory(forum=forum("cab"))
    response = viewer_client.get(
        reverse("governance:forum-calendar", args=["koordinationsgruppen"])
    )
    assert response["Content-Type"].startswith("text/calendar")
    parsed = icalendar.Calendar.from_ical(response.content)
    events = parsed.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert str(event["uid"]) == f"{meeting.calendar_uid}@fmkrollout"
    assert event.decoded("dtstart") == meeting.starts_at
    assert event.decoded("dtend") == meeting.ends_at
    assert str(event["location"]) == "Odense"
    assert "1. Roadmap" in str(event["description"])


def test_calendar_feed_answers_a_personal_token_without_login(client, viewer):
    MeetingFactory()
    url = reverse("governance:forum-calendar", args=["koordinationsgruppen"])
    response = client.get(url, {"token": calendar.calendar_token(viewer)})
    assert response.status_code == 200
    assert icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert client.get(url, {"token": "1-forkert"}).status_code == 404
    assert client.get(url).status_code == 302


def test_a_new_password_ends_the_calendar_link(client, viewer):
    url = reverse("governance:forum-calendar", args=["koordinationsgruppen"])
    token = calendar.calendar_token(viewer)
    viewer.set_password("et-helt-nyt-kodeord")
    viewer.save()
    assert client.get(url, {"token": token}).status_code == 404


def test_english_readers_get_the_english_names_and_mandates(viewer_client):
    viewer_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = viewer_client.get(forum_url("cab"))
    assertContains(response, "FMK CAB (Change Advisory Board)")
    assertContains(response, "acts as the change advisory board of FMK system management")
    assertNotContains(response, "teknisk arkitekturforum")
