"""axe-core on one page of every URL shape, as every demo role sees it.

The URLs come from the portal crawl (tests/portal/test_crawl.py): signed in
as the role, it follows the links from the start page (and the admin, for
the coordinator), keeping one URL per URL pattern. Each is then opened in
the browser, signed in the same way, and checked by axe-core: no critical
or serious violation anywhere, and no moderate one on the portal's own
pages (the admin is Django's, with its habits, such as headings that skip
a level).
"""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import resolve
from django.utils.module_loading import import_string
from playwright.sync_api import expect

from tests.browser.conftest import MODERATE, SERIOUS, axe_violations
from tests.portal.test_crawl import crawl

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DEMO_ROLES = ["koordinator", "laeser", "pl-461", "pl-oerne"]
# Pages no link leads to, or only a form: they are checked as well.
ANONYMOUS_PAGES = ["/konto/login/", "/konto/password_reset/", "/findes-ikke/"]
# Linked from the account page, which every role reaches from the header.
API_DOCS = "/api/v1/docs/"


@pytest.fixture
def demo(reference_data):
    """The demo data as `seed_demo` makes it (as in test_frontier_journey)."""
    from demo.management.commands.seed_demo import SEEDERS

    for dotted_path in SEEDERS:
        import_string(dotted_path)()


def shape_of(path):
    """What a page shows: its URL pattern, except that the admin's history
    pages (a list of versions, one version) are alike for every model, and
    a model's add form is its change form without the row (both show the
    inlines' empty rows)."""
    match = resolve(urlsplit(path).path)
    name = match.url_name or ""
    if name.endswith("_simple_history"):
        return "one version in the admin"
    if name.endswith("_history"):
        return "the history of a row in the admin"
    if path.startswith("/admin/") and name.endswith(("_add", "_change")):
        return ("form", name.rsplit("_", 1)[0])
    return (match.route, match.view_name)


def page_shapes(username):
    """One path per page shape the role reaches by following links."""
    user = get_user_model().objects.get(username=username)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    start = ["/", "/admin/"] if user.is_staff else ["/"]
    pages, errors = crawl(client, start, per_pattern=1, per_admin_pattern=1)
    assert not errors, "\n".join(errors)
    shapes = {}
    # A change form before an add form of the same model: it has more on it.
    for path, _texts in sorted(pages, key=lambda page: page[0].endswith("/add/")):
        shapes.setdefault(shape_of(path), path)
    return list(shapes.values())


def check(page, url, path):
    page.goto(url + path)
    expect(page.locator("h1").first).to_be_visible()
    if path == API_DOCS:
        # Swagger UI draws the operations once the schema has loaded.
        expect(page.locator(".opblock-summary").first).to_be_visible()
    impacts = SERIOUS if path.startswith("/admin/") else MODERATE
    return [f"{path}: {violation}" for violation in axe_violations(page, impacts)]


def test_every_page_shape_passes_axe_for_every_demo_role(
    browser, browser_context_args, live_server, demo
):
    # One test, so the demo data is loaded once; one browser context per role.
    problems = []
    for username in DEMO_ROLES:
        paths = page_shapes(username)
        assert len(paths) > 10, f"{username}'s crawl met too few pages to prove anything"
        assert API_DOCS in paths, f"{username}'s crawl did not reach the API documentation"
        context = browser.new_context(**browser_context_args)
        page = context.new_page()
        page.goto(f"{live_server.url}/konto/login/")
        page.get_by_label("Brugernavn").fill(username)
        page.get_by_label("Adgangskode").fill("demo")
        page.get_by_role("button", name="Log ind").click()
        expect(page.locator("header")).to_contain_text("Log ud")
        problems += [
            f"{username} {problem}"
            for path in paths
            for problem in check(page, live_server.url, path)
        ]
        context.close()
    assert not problems, f"{len(problems)} violations:\n" + "\n".join(problems)


def test_pages_before_login_pass_axe(page, live_server, reference_data):
    problems = []
    for path in ANONYMOUS_PAGES:
        problems += check(page, live_server.url, path)
    assert not problems, "\n".join(problems)
