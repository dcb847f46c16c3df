"""Browser tests: Playwright driving Debian's chromium, with axe-core.

Never a browser that Playwright downloads: the launch names
/usr/bin/chromium. Without it the tests skip loudly (make test installs it
where it can), except under CI=true, where a missing browser fails the run.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# pytest-playwright's sync API runs an event loop in the test thread;
# Django's ORM refuses to be called from there unless told it is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

QUIET_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(f"{CHROMIUM} is missing: install Debian's 'chromium' package.")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: apt-get install chromium")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": QUIET_FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # axe-core is injected as an inline script, which the portal's
    # Content-Security-Policy rightly refuses; only the test may bypass it.
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def login(page, live_server):
    """Log in through the real form, as a user would."""

    def _login(username, password="demo"):
        page.goto(f"{live_server.url}/konto/login/")
        page.get_by_label("Brugernavn").fill(username)
        page.get_by_label("Adgangskode").fill(password)
        page.get_by_role("button", name="Log ind").click()
        page.wait_for_load_state()

    return _login


# What axe-core reports as blocking everywhere; the portal's own pages
# also answer for "moderate" (the admin is Django's, with its own habits).
SERIOUS = ("critical", "serious")
MODERATE = ("critical", "serious", "moderate")


def axe_violations(page, impacts=SERIOUS):
    """Run axe-core on the page; its violations of the given impacts, one
    line each."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} ({len(v['nodes'])} nodes, "
        f"e.g. {v['nodes'][0]['html'][:120]})"
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def serious_violations(page):
    """Run axe-core on the page; return its serious and critical violations."""
    return axe_violations(page, SERIOUS)


@pytest.fixture
def assert_accessible(page):
    def _check():
        violations = serious_violations(page)
        assert not violations, f"axe-core on {page.url}:\n" + "\n".join(violations)

    return _check


@pytest.fixture(autouse=True)
def styled(settings):
    """Every browser test sees the pages with their style sheets and
    scripts, as users do (and axe-core checks contrast on them).

    The live server serves static files from the apps (as runserver does),
    by their plain names; the hashed names of the manifest storage are
    only in the collected files, so without this every style sheet and
    script would be a 404.
    """
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
