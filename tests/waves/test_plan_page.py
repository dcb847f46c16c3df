"""A wave plan page with more municipalities than a page shows."""

import re

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from waves import views

pytestmark = pytest.mark.django_db


def _rows(response):
    return re.findall(r'<a href="/boelger/planer/\d+/kommuner/\d+/">', response.content.decode())


def test_all_98_municipalities_fit_on_one_page(viewer_client, published):
    response = viewer_client.get(f"/boelger/planer/{published.pk}/")
    assert len(_rows(response)) == 98
    assertNotContains(response, 'class="table-paging"')


def test_each_wave_pages_on_its_own_when_it_has_more_than_a_page(
    viewer_client, published, monkeypatch
):
    monkeypatch.setattr(views, "PLAN_ROWS_PER_PAGE", 10)
    url = f"/boelger/planer/{published.pk}/"
    first = viewer_client.get(url)
    assert len(_rows(first)) == 30  # ten of each of the three waves
    assertContains(first, 'aria-label="Sider i Bølge 1', count=1)
    assertContains(first, "?side-1=2")

    second = viewer_client.get(url, {"side-1": 2})
    assert len(_rows(second)) == 30
    assert set(_rows(second)) != set(_rows(first))
    # An impossible page number shows the last page, not an error.
    assert viewer_client.get(url, {"side-2": 999}).status_code == 200
