"""Breadcrumbs show a separator between the steps ("Forside / Governance")."""

import re

import pytest
from django.contrib.staticfiles import finders


def test_portal_stylesheet_separates_breadcrumb_steps():
    css = open(finders.find("css/portal.css"), encoding="utf-8").read()
    rule = re.search(
        r"\.breadcrumbs__list-item\s*\+\s*\.breadcrumbs__list-item::before\s*\{([^}]*)\}", css
    )
    assert rule and 'content: "/"' in rule.group(1)


@pytest.mark.django_db
def test_breadcrumbs_use_the_styled_list(viewer_client):
    html = viewer_client.get("/styring/roadmap/").content.decode()
    assert html.count('class="breadcrumbs__list-item"') >= 2
