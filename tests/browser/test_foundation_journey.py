import pytest
from playwright.sync_api import expect

from municipalities.roles import Role
from tests.conftest import make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def users(reference_data):
    make_user("pl-461", Role.PROJECT_MANAGER, [461])
    make_user("koordinator", Role.COORDINATOR)


def test_login_page_is_accessible(page, live_server, assert_accessible, users):
    page.goto(f"{live_server.url}/konto/login/")
    expect(page.locator("h1")).to_have_text("Log ind")
    assert_accessible()


def test_project_manager_logs_in_and_lands_on_own_municipality(
    page, live_server, login, assert_accessible, users
):
    login("pl-461")
    assert page.url.endswith("/kommuner/461/")
    expect(page.locator("h1")).to_have_text("Odense Kommune")
    expect(page.locator("header")).to_contain_text("Projektleder")
    assert_accessible()


def test_wrong_password_says_so_and_keeps_the_user_name(page, live_server, login, users):
    login("pl-461", password="forkert")
    assert page.locator("#error-summary").is_visible()
    assert page.get_by_label("Brugernavn").input_value() == "pl-461"


def test_switch_to_english(page, live_server, login, users):
    login("koordinator")
    page.get_by_role("button", name="English").click()
    assert page.get_by_role("button", name="Log out").is_visible()
