"""The API documentation page (Swagger UI), as a programmer opens it from
the account page: under the portal's own Content-Security-Policy, and
passing axe-core like the portal's other pages, with an operation open as
well as closed."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import MODERATE, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = "/api/v1/docs/"


def test_api_docs_page_passes_axe_with_an_operation_open(page, live_server):
    page.goto(live_server.url + DOCS)
    summary = page.get_by_role("button", name="GET /api/v1/municipalities/", exact=True)
    expect(summary).to_be_visible()
    problems = axe_violations(page, MODERATE)
    summary.click()
    expect(page.get_by_role("button", name="Try it out")).to_be_visible()
    problems += [f"(open) {problem}" for problem in axe_violations(page, MODERATE)]
    assert not problems, "\n".join(problems)


def test_api_docs_page_runs_under_the_portals_csp(browser, live_server):
    context = browser.new_context()  # the real policy, not bypassed for axe
    page = context.new_page()
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(live_server.url + DOCS)
    expect(page.get_by_text("/api/v1/municipalities/").first).to_be_visible()
    context.close()
    assert not refused, "\n".join(refused)
