"""Sign-in with the organisation, in the browser, through a real provider.

Anna signs in at the test provider (tests/oidc/provider.mjs, its login
form filled in here), lands without a role, is refused the coordinators'
pages, is seen waiting by the coordinator, who gives her the project manager role
for Odense on the admin's user form; logging out ends the provider's
session too, and when she signs in again she sees Odense.
"""

import pytest
from playwright.sync_api import expect

from municipalities.models import Membership
from municipalities.roles import GROUP_NAMES, Role
from tests.conftest import make_user
from tests.oidc.provider import PERSON, oidc_configured, run_provider

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(scope="session")
def live_provider(live_server):
    with run_provider([live_server.url]) as issuer:
        yield issuer


@pytest.fixture
def oidc_on(settings, live_provider):
    with oidc_configured(settings, live_provider):
        yield live_provider


def sign_in_at_provider(page, live_server):
    page.goto(f"{live_server.url}/konto/login/")
    page.get_by_role("link", name="Log ind med din organisation").click()
    page.locator("input[name=login]").fill(PERSON)
    page.locator("input[name=password]").fill("any")
    page.get_by_role("button", name="Sign-in").click()
    page.wait_for_url(f"{live_server.url}/**")


def test_new_person_waits_for_a_role_then_sees_their_municipality(
    browser, live_server, reference_data, oidc_on
):
    from django.contrib.auth import get_user_model

    make_user("koordinator", Role.COORDINATOR)
    # Under the portal's Content-Security-Policy (the other browser tests
    # bypass it for axe-core): logging out redirects a form to the provider.
    page = browser.new_context().new_page()

    sign_in_at_provider(page, live_server)
    expect(page.locator("h1")).to_have_text("Ingen adgang endnu")
    expect(page.locator("main")).to_contain_text("Din adgang venter på en koordinator")
    expect(page.locator("header")).to_contain_text("Anna Jensen")
    # The provider's role claims gave her nothing.
    assert page.goto(f"{live_server.url}/parathed/").status == 403
    assert page.goto(f"{live_server.url}/admin/").url.startswith(f"{live_server.url}/admin/login/")

    # The coordinator, in a browser of their own, sees her waiting.
    coordinator = browser.new_context(bypass_csp=True).new_page()
    coordinator.goto(f"{live_server.url}/konto/login/")
    coordinator.get_by_label("Brugernavn").fill("koordinator")
    coordinator.get_by_label("Adgangskode").fill("demo")
    coordinator.get_by_role("button", name="Log ind", exact=True).click()
    expect(coordinator.locator("main")).to_contain_text("1 bruger venter på adgang")
    coordinator.get_by_role("link", name="Giv dem en rolle").click()
    expect(coordinator.locator("#result_list")).to_contain_text("Anna Jensen")
    expect(coordinator.locator("#result_list")).to_contain_text("Venter på adgang")
    # The coordinator gives her the role on the admin's user form: the
    # project managers' group, and Odense in the municipalities inline
    # (its autocomplete box).
    waiting_list = coordinator.url
    anna_row = coordinator.locator("#result_list tbody tr", has_text="Anna Jensen")
    anna_row.get_by_role("link").first.click()
    coordinator.locator("#id_groups_from").select_option(label="Projektledere")
    coordinator.locator("#id_groups_add").click()
    expect(coordinator.locator("#id_groups_to")).to_contain_text("Projektledere")
    coordinator.locator(".add-row a").click()
    coordinator.locator(".dynamic-municipality_memberships .select2-selection").click()
    coordinator.locator(".select2-search__field").fill("Odense")
    coordinator.locator(".select2-results__option", has_text="Odense").click()
    coordinator.get_by_role("button", name="Gem", exact=True).click()
    expect(coordinator.locator(".messagelist")).to_contain_text("blev ændret")
    anna = get_user_model().objects.get(oidc_identities__subject=PERSON)
    assert anna.groups.get().name == GROUP_NAMES[Role.PROJECT_MANAGER]
    assert Membership.objects.get(user=anna).municipality_id == 461
    coordinator.goto(waiting_list)
    expect(coordinator.locator("#content")).not_to_contain_text("Anna Jensen")
    coordinator.context.close()

    # Logging out ends the provider's session as well: signing in again
    # asks for her login again (sign_in_at_provider fills it in), and then
    # she sees Odense.
    page.goto(f"{live_server.url}/konto/")
    page.get_by_role("button", name="Log ud").click()
    page.wait_for_url(f"{live_server.url}/konto/login/")
    sign_in_at_provider(page, live_server)
    assert page.url.endswith("/kommuner/461/")
    expect(page.locator("h1")).to_have_text("Odense Kommune")
    page.context.close()
