"""The coordinators' overview: filters, counts, export, and a fixed query count."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pytest_django.asserts import assertContains, assertNotContains

from municipalities.models import Municipality
from readiness import services
from readiness.models import Response, ReviewStatus
from readiness.tables import neutralise
from tests.factories import synthetic_municipalities

pytestmark = pytest.mark.django_db
URL = "/parathed/"


@pytest.fixture
def answered(questionnaire, submit, coordinator, questions):
    """Odense submitted (score 70, no EOJ budget), Aarhus a draft, Aalborg revised."""
    submit(Municipality.objects.get(code=461), coordinator, eoj_budget="no", wish="q3_2014")
    services.save_answers(
        municipality=Municipality.objects.get(code=751),
        questionnaire=questionnaire,
        answers={},
        base_revision=0,
        by=coordinator,
    )
    aalborg = Municipality.objects.get(code=851)
    submit(aalborg, coordinator, signature_central="no")
    submit(aalborg, coordinator, base_revision=1)


def add_synthetic_municipalities(count, submit=None, user=None):
    """Municipalities with codes outside the real range (101–860)."""
    created = synthetic_municipalities(count)
    if submit is not None:
        for municipality in created[: count // 2]:
            submit(municipality, user)


def test_viewers_and_coordinators_see_every_municipality(viewer_client):
    response = viewer_client.get(URL)
    assertContains(response, "Kommunernes parathed")
    assert response.context["table"].paginator.count == 98
    assertContains(response, "98 kommuner passer")


DEFAULT_COLUMNS = ["name", "region", "status", "score", "wish_wave", "review_status", "updated_at"]


def _columns(table):
    return [column.name for column in table.columns]


def test_the_table_shows_the_columns_a_coordinator_scans_by(coordinator_client):
    table = coordinator_client.get(URL).context["table"]
    assert _columns(table) == DEFAULT_COLUMNS


def test_more_columns_add_the_code_and_the_scored_answers_once(coordinator_client):
    response = coordinator_client.get(f"{URL}?columns=all")
    columns = _columns(response.context["table"])
    assert columns == DEFAULT_COLUMNS[:1] + ["code"] + DEFAULT_COLUMNS[1:] + [
        "answer_project_manager",
        "answer_eoj_budget",
        "answer_internal_resources",
        "answer_signature_central",
    ]
    headers = [str(column.header) for column in response.context["table"].columns]
    assert headers.count("Eget ønske") == 1
    assert "Eget ønske til bølge" not in headers


def test_the_choice_of_columns_is_kept_by_the_filters_and_the_sorting(coordinator_client):
    response = coordinator_client.get(f"{URL}?columns=all&status=submitted")
    assertContains(response, '<input type="hidden" name="columns" value="all">', html=True)
    assertContains(response, "?columns=all&amp;status=submitted&amp;sort=-name")
    assertContains(response, 'href="?status=submitted"')
    assertContains(coordinator_client.get(URL), 'href="?columns=all"')


def test_all_98_municipalities_are_on_one_page(coordinator_client):
    response = coordinator_client.get(URL)
    table = response.context["table"]
    assert table.paginator.num_pages == 1
    assert len(table.page.object_list) == 98
    assert response.content.decode().count('href="/parathed/') >= 98
    assertNotContains(response, 'class="table-paging"')


def test_thousands_of_municipalities_are_paged(coordinator_client):
    add_synthetic_municipalities(600)
    table = coordinator_client.get(URL).context["table"]
    assert table.paginator.num_pages == 3
    assert len(table.page.object_list) == 250


def test_counts_per_status_at_the_top(coordinator_client, answered):
    counts = {s: n for s, _, n in coordinator_client.get(URL).context["status_counts"]}
    assert counts == {"not_started": 95, "draft": 1, "submitted": 1, "revised": 1}


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("status=submitted", [461]),
        ("status=draft", [751]),
        ("status=revised", [851]),
        ("score_min=80", [851]),
        ("score_max=75&score_min=1", [461]),
        ("review_status=pending", [461, 851]),
    ],
)
def test_filters(coordinator_client, answered, query, codes):
    table = coordinator_client.get(f"{URL}?{query}").context["table"]
    assert sorted(row.record.code for row in table.rows) == codes


def test_filter_by_answer_to_a_question(coordinator_client, answered, questions):
    no_budget = questions["eoj_budget"].options.get(key="no").pk
    table = coordinator_client.get(f"{URL}?answer_eoj_budget={no_budget}").context["table"]
    assert [row.record.code for row in table.rows] == [461]


def test_filter_by_region_and_not_started(coordinator_client, answered):
    region = Municipality.objects.get(code=461).region_id
    table = coordinator_client.get(f"{URL}?region={region}&status=not_started").context["table"]
    assert table.paginator.count == 22 - 1


def test_sorting_by_score_keeps_the_unscored_last(coordinator_client, answered):
    def first_codes(query):
        table = coordinator_client.get(f"{URL}?{query}").context["table"]
        return [row.record.code for row in table.page.object_list][:3]

    assert first_codes("sort=-score")[:2] == [851, 461]
    assert first_codes("sort=score")[:2] == [461, 851]


def test_rows_link_to_answers_and_history(coordinator_client, answered):
    response = coordinator_client.get(f"{URL}?status=submitted")
    assertContains(response, 'href="/parathed/461/svar/"')
    assertContains(response, 'href="/parathed/461/historik/"')


def test_review_status_shows_in_the_overview(coordinator_client, answered, coordinator):
    services.review_response(
        response=Response.objects.get(municipality_id=461),
        decision=ReviewStatus.ACCEPTED,
        comment="",
        by=coordinator,
    )
    table = coordinator_client.get(f"{URL}?review_status=accepted").context["table"]
    assert [row.record.code for row in table.rows] == [461]
    assertContains(coordinator_client.get(f"{URL}?status=submitted"), "Godkendt")


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [URL, f"{URL}?status=submitted&sort=-score", f"{URL}?export=xlsx"])
def test_query_count_does_not_grow_with_the_municipalities(
    coordinator_client, answered, submit, coordinator, url
):
    at_98 = _queries(coordinator_client, url)
    add_synthetic_municipalities(300, submit, coordinator)
    assert Municipality.objects.count() == 398
    assert _queries(coordinator_client, url) == at_98


def test_query_count_at_98_is_fixed(coordinator_client, answered, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        coordinator_client.get(URL)


def test_export_is_the_filtered_table_as_xlsx(coordinator_client, answered):
    response = coordinator_client.get(f"{URL}?status=revised&export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'attachment; filename="parathed-' in response["Content-Disposition"]
    assert response.streaming  # written to a temporary file and sent in chunks
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Kommune", "Kode", "Region", "Status", "Score")
    assert "Budget til EOJ-opgradering" in rows[0]
    assert rows[0].count("Eget ønske") == 1 and "Eget ønske til bølge" not in rows[0]
    assert "Historik" not in rows[0]
    assert len(rows) == 2
    assert rows[1][:5] == (
        "Aalborg",
        851,
        "Region Nordjylland",
        "Revideret efter indsendelse",
        100,
    )


def test_export_has_all_rows_not_one_page(coordinator_client):
    response = coordinator_client.get(f"{URL}?export=xlsx")
    assert load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.max_row == 99


@pytest.mark.parametrize("text", ["=HYPERLINK(1)", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_like_text_is_neutralised(text):
    assert neutralise(text) == "'" + text
    assert neutralise("Ja") == "Ja" and neutralise(12.5) == 12.5


def test_project_managers_get_403(odense_client):
    assert odense_client.get(URL).status_code == 403
    assert odense_client.get(f"{URL}?export=xlsx").status_code == 403


def test_anonymous_users_log_in_first(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/konto/login/" in response["Location"]


def test_the_menu_shows_readiness_to_staff(viewer_client):
    assertContains(viewer_client.get("/"), 'href="/parathed/"')
