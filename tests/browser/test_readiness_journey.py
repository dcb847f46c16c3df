"""A project manager's readiness journey in a real browser.

The pages work without JavaScript; questionnaire.js only hides the dates that
do not apply and moves to the error summary.
"""

import re

import pytest
from playwright.sync_api import expect

from municipalities.roles import Role
from tests.conftest import make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def project_manager(reference_data):
    return make_user("pl-461", Role.PROJECT_MANAGER, [461], first_name="Pia", last_name="Lund")


def question(page, key):
    return page.locator(f"#question-{key}")


def test_draft_leave_return_fix_error_submit_and_see_the_score(
    page, live_server, login, assert_accessible, project_manager
):
    login("pl-461")
    assert page.url.endswith("/kommuner/461/")
    panel = page.locator(".readiness-panel")
    expect(panel).to_contain_text("Ikke påbegyndt")
    assert_accessible()

    page.get_by_role("link", name="Udfyld spørgeskemaet").click()
    assert page.url.endswith("/parathed/461/")
    assert_accessible()

    # An expected date only once "planned" is chosen: until then it takes
    # no tab stop.
    budget = question(page, "eoj_budget")
    budget_date = budget.get_by_label("Forventes på plads senest")
    expect(budget_date).to_be_hidden()
    expect(page.locator("#id_project_manager-date_helptext")).to_be_hidden()

    # A partial draft: two of five questions, one of them "planned" with its date.
    question(page, "project_manager").get_by_label("Ja", exact=True).check()
    budget.get_by_label("Under etablering / planlagt").check()
    expect(budget_date).to_be_visible()
    budget.get_by_label("Forventes på plads senest").fill("2014-03-01")
    budget.get_by_label("Kommentar").fill("Budgettet behandles i byrådet i januar.")
    page.get_by_role("button", name="Gem kladde").click()
    expect(page.locator("main")).to_contain_text("Kladden er gemt (revision 1)")

    # Leave, and come back to the draft from the start page.
    page.goto(f"{live_server.url}/kommuner/461/")
    expect(page.locator(".readiness-panel")).to_contain_text("Kladde")
    page.get_by_role("link", name="Fortsæt kladden").click()
    assert question(page, "project_manager").get_by_label("Ja", exact=True).is_checked()
    budget = question(page, "eoj_budget")
    assert budget.get_by_label("Under etablering / planlagt").is_checked()
    assert (
        budget.get_by_label("Kommentar").input_value() == "Budgettet behandles i byrådet i januar."
    )

    # Submitting with answers missing: the summary on top, the error at the question.
    question(page, "internal_resources").get_by_label("Ja", exact=True).check()
    question(page, "wish").get_by_label("3. kvartal 2014 (bølge 2)").check()
    page.get_by_role("button", name="Indsend").click()
    summary = page.locator("#error-summary")
    # The title says it first, and the summary has the focus (DKFDS, GOV.UK).
    expect(page).to_have_title(re.compile(r"^Fejl: "))
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Signatur Central")
    error = question(page, "signature_central").locator(".form-error-message")
    expect(error).to_contain_text("Vælg et svar, før du indsender.")
    # What was typed is still there.
    assert question(page, "wish").get_by_label("3. kvartal 2014 (bølge 2)").is_checked()
    assert_accessible()

    # The summary links to the question.
    summary.get_by_role("link").first.click()
    question(page, "signature_central").get_by_label("Ja", exact=True).check()
    page.get_by_role("button", name="Indsend").click()

    # The score page: 20 + 15 + 20 + 30 = 85, line by line, and what would raise it.
    page.wait_for_url("**/parathed/461/svar/**")
    expect(page.locator("main")).to_contain_text("Tak: Odenses svar er indsendt (revision 2).")
    main = page.locator("main").inner_text()
    assert "Tak: Odenses svar er indsendt (revision 2)." in main
    expect(page.locator("#readiness-score")).to_have_text("85,0")
    rows = page.locator("table.readiness-breakdown tbody tr")
    assert rows.count() == 5
    budget_row = rows.filter(has_text="Budget til EOJ-opgradering").inner_text()
    assert "5 af 10" in budget_row and "15,0" in budget_row
    assert "Et budget til opgradering af EOJ ville give 15,0 point mere." in main
    assert_accessible()

    page.goto(f"{live_server.url}/kommuner/461/")
    panel = page.locator(".readiness-panel").inner_text()
    assert "Indsendt" in panel and "85,0" in panel and "Afventer gennemgang" in panel


def test_without_javascript_every_date_shows_with_its_hint(browser, live_server, project_manager):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/konto/login/")
    page.get_by_label("Brugernavn").fill("pl-461")
    page.get_by_label("Adgangskode").fill("demo")
    page.get_by_role("button", name="Log ind").click()
    page.goto(f"{live_server.url}/parathed/461/")
    manager = question(page, "project_manager")
    expect(manager.get_by_label("Forventes på plads senest")).to_be_visible()
    expect(manager).to_contain_text("Kun hvis svaret er “Under udpegning / planlagt”.")
    context.close()


def test_coordinator_overview_review_and_history_are_accessible(
    page, live_server, login, assert_accessible, project_manager
):
    from municipalities.models import Municipality
    from readiness.models import Questionnaire
    from readiness.services import AnswerData, save_answers

    questionnaire = Questionnaire.objects.current()
    chosen = {}
    for question in questionnaire.questions.prefetch_related("options"):
        chosen[question.pk] = AnswerData(option_id=question.options.all()[0].pk)
    save_answers(
        municipality=Municipality.objects.get(code=461),
        questionnaire=questionnaire,
        answers=chosen,
        base_revision=0,
        by=project_manager,
        submit=True,
    )
    make_user("koordinator", Role.COORDINATOR)
    login("koordinator")
    page.goto(f"{live_server.url}/parathed/?status=submitted")
    expect(page.locator("main")).to_contain_text("1 kommune passer.")
    assert_accessible()

    page.get_by_role("link", name="Odense").click()
    expect(page.locator("#readiness-score")).to_contain_text("100,0")
    page.get_by_label("Bed om en uddybning").check()
    page.get_by_role("button", name="Gem gennemgang").click()
    expect(page.locator("main")).to_contain_text("Skriv, hvad der skal uddybes")
    page.get_by_label("Bed om en uddybning").check()
    page.get_by_label("Kommentar til projektlederen").fill("Hvem er projektleder?")
    page.get_by_role("button", name="Gem gennemgang").click()
    expect(page.locator("main")).to_contain_text("Gennemgang gemt: Uddybning ønsket.")
    assert_accessible()

    page.get_by_role("link", name="Svarenes historik").click()
    expect(page.locator("main")).to_contain_text("Revision 1: Indsendt")
    history = page.locator("main").inner_text()
    assert "Gennemgang: Uddybning ønsket" in history and "Revision 1: Indsendt" in history
    assert_accessible()


@pytest.mark.parametrize(("query", "width"), [("", 1280), ("?columns=all", 1280), ("", 768)])
def test_the_overview_fits_the_main_column_at_1280_px(
    page, live_server, login, project_manager, query, width
):
    from municipalities.models import Municipality
    from readiness.models import Questionnaire
    from readiness.services import AnswerData, save_answers

    # The longest status: revised after submission.
    questionnaire = Questionnaire.objects.current()
    chosen = {}
    for question in questionnaire.questions.prefetch_related("options"):
        chosen[question.pk] = AnswerData(option_id=question.options.all()[2].pk)
    for revision in (0, 1):
        save_answers(
            municipality=Municipality.objects.get(code=461),
            questionnaire=questionnaire,
            answers=chosen,
            base_revision=revision,
            by=project_manager,
            submit=True,
        )
    make_user("koordinator", Role.COORDINATOR)
    page.set_viewport_size({"width": width, "height": 900})
    login("koordinator")
    page.goto(f"{live_server.url}/parathed/{query}")
    expect(page.locator("main tbody tr")).to_have_count(98)
    assert page.evaluate("() => document.styleSheets[0].cssRules.length") > 0
    widths = page.evaluate(
        """() => ({
            table: document.querySelector('main table').scrollWidth,
            main: document.querySelector('main').clientWidth,
            page: document.documentElement.scrollWidth,
        })"""
    )
    # The page itself never scrolls sideways; the default table fits, the
    # one with every column (or on a tablet) scrolls inside its own frame.
    assert widths["page"] <= width
    if not query and width == 1280:
        assert widths["table"] <= widths["main"]
