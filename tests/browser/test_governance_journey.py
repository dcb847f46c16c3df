import pytest
from playwright.sync_api import expect

from governance import services
from municipalities.roles import Role
from tests.conftest import make_user
from tests.governance.factories import MeetingFactory, MembershipFactory, days_ago, forum

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def governance_data(reference_data):
    coordinator = make_user("koordinator", Role.COORDINATOR)
    make_user("pl-461", Role.PROJECT_MANAGER, [461])
    MembershipFactory(role="chair")
    user_group = MeetingFactory(forum=forum("kliniske-brugergrupper"), starts_at=days_ago(20))
    coordination = MeetingFactory(forum=forum("koordinationsgruppen"), starts_at=days_ago(10))
    wish = services.raise_wish(
        title="Samlet visning af dosisdispensering",
        description="…",
        origin_forum=user_group.forum,
        meeting=user_group,
        by=coordinator,
    )
    services.apply_transition(
        wish=wish, name="qualify", meeting=user_group, by=coordinator, reason="Klar."
    )
    services.apply_transition(
        wish=wish,
        name="prioritise",
        meeting=coordination,
        by=coordinator,
        reason="Høj værdi.",
        quarter=services.Quarter.of(coordination.starts_at.date()).next(),
    )
    return wish


def test_from_the_overview_to_a_forum_and_to_the_roadmap(
    page, live_server, login, assert_accessible, governance_data
):
    login("pl-461")
    page.goto(f"{live_server.url}/styring/")
    expect(page.locator("h1")).to_have_text("Governance for FMK")
    # The hierarchy reads as nested lists: the coordination group's list
    # holds the fora that report to it.
    below = page.get_by_role("list", name="Rapporterer til Koordinationsgruppen")
    assert below.get_by_role("link", name="FMK CAB (advisory board)").is_visible()
    assert_accessible()

    page.get_by_role("link", name="FMK National koordinationsgruppe").first.click()
    expect(page.locator("h1")).to_have_text("FMK National koordinationsgruppe")
    assert page.get_by_text("repræsenterer forretningen").is_visible()
    assert page.get_by_role("cell", name="Formand").is_visible()
    assert_accessible()

    page.get_by_role("link", name="Roadmap", exact=True).click()
    expect(page.locator("h1")).to_have_text("FMK-roadmap")
    link = page.get_by_role("link", name="Samlet visning af dosisdispensering")
    assert link.is_visible()
    # The quarters are cards: their text keeps clear of the border.
    padding = page.locator(".roadmap-quarter").first.evaluate(
        "card => [getComputedStyle(card).paddingLeft, getComputedStyle(card).paddingTop]"
    )
    assert padding == ["16px", "12px"]
    assert_accessible()

    link.click()
    expect(page.locator("main")).to_contain_text("på roadmappen")
    assert_accessible()


def test_the_coordinator_records_a_step_and_the_wish_list_is_accessible(
    page, live_server, login, assert_accessible, governance_data
):
    login("koordinator")
    page.goto(f"{live_server.url}/styring/oensker/")
    assert_accessible()
    page.get_by_role("link", name="Samlet visning af dosisdispensering").click()
    assert_accessible()
    page.get_by_label("Trin").select_option("postpone")
    page.get_by_label("Begrundelse").fill("Afventer økonomi.")
    page.get_by_role("button", name="Registrér trinnet").click()
    # Without a meeting the step is refused, next to the field.
    assert page.locator("#error-summary").is_visible()
    assert_accessible()
    page.get_by_label("Besluttet på mødet").select_option(index=1)
    page.get_by_role("button", name="Registrér trinnet").click()
    expect(page.locator("main")).to_contain_text("ønsket er nu “udskudt”")
