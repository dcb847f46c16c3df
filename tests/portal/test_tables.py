"""The portal's tables render and export exactly what django-tables2 would.

`fmkrollout.tables.PortalTable` renders the cells itself (for speed) but
leans on django-tables2 for every value; these tests compare, for every
table of the portal on the demo data, its page body and its export values
with django-tables2's own rendering, so that an upgrade of either cannot
make them drift apart unnoticed.
"""

import re

import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone, translation
from django_tables2 import RequestConfig, Table

from governance.models import Wish
from governance.tables import WishTable
from readiness.selectors import municipalities_with_readiness
from readiness.tables import ReadinessTable
from readiness.views import _current_questionnaire, _questions
from rollout import selectors as rollout_selectors
from rollout.tables import ImplementationTable

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # seed_demo refuses to run without it
    call_command("seed_demo", quiet_logins=True)
    settings.DEBUG = False


def readiness_table(all_columns):
    questionnaire = _current_questionnaire()
    questions = _questions(questionnaire)
    return ReadinessTable(
        municipalities_with_readiness(questionnaire, questions),
        questions=questions,
        all_columns=all_columns,
    )


TABLES = {
    "readiness": lambda: readiness_table(all_columns=False),
    "readiness, all columns": lambda: readiness_table(all_columns=True),
    "wishes": lambda: WishTable(Wish.objects.all()),
    "rollout": lambda: ImplementationTable(
        rollout_selectors.implementations_for_table(timezone.localdate())
    ),
}


def tbody(html):
    body = re.search(r"<tbody[^>]*>(.*)</tbody>", html, re.S).group(1)
    body = re.sub(r">\s+<", "><", body.strip())
    return re.sub(r"<(td|tr)\s+>", r"<\1>", body)


def rendered(table, template_name):
    request = RequestFactory().get("/", {"sort": "-score"} if "score" in table.columns else {})
    RequestConfig(request, paginate=False).configure(table)
    template = Template("{% load django_tables2 %}{% render_table table template_name %}")
    return template.render(
        Context({"table": table, "template_name": template_name, "request": request})
    )


# One test per table (seeding the demo data is most of its time).
@pytest.mark.parametrize("name", TABLES)
def test_body_and_export_are_django_tables2s_cell_for_cell(demo, name):
    for language in ("da", "en"):
        with translation.override(language):
            ours = tbody(rendered(TABLES[name](), "_partials/table.html"))
            theirs = tbody(rendered(TABLES[name](), "django_tables2/table.html"))
        assert ours.count("<tr") > 1
        assert ours == theirs
    ours = list(TABLES[name]().as_values())
    theirs = list(Table.as_values(TABLES[name]()))
    assert len(ours) > 1
    assert ours == theirs


def test_an_empty_table_says_so():
    with translation.override("en"):
        questionnaire = _current_questionnaire()
        questions = _questions(questionnaire)
        nothing = municipalities_with_readiness(questionnaire, questions).none()
        html = rendered(ReadinessTable(nothing, questions=questions), "_partials/table.html")
    assert "No municipality matches the filters." in tbody(html)
