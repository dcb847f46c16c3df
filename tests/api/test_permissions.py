"""The permission matrix: every endpoint, every role, by token and session.

The same rules as the pages: anonymous 401, signed in without a role 403;
a project manager reads their own municipality's readiness, rollout and
wave reasons and gets 404 for another's; viewers and coordinators read all.
"""

import pytest

from .conftest import API, session_client
from .conftest import token_client as token_client_for

pytestmark = pytest.mark.django_db

ANY_ROLE = {"coordinator": 200, "viewer": 200, "pm_odense": 200, "no_role": 403}
STAFF_ONLY = {"coordinator": 200, "viewer": 200, "pm_odense": 404, "no_role": 403}


def endpoints(data):
    """(path, expected status per persona) for every endpoint."""
    published, draft = data["published"].pk, data["draft"].pk
    return [
        ("/regions/", ANY_ROLE),
        ("/regions/1083/", ANY_ROLE),
        ("/municipalities/", ANY_ROLE),
        ("/municipalities/461/", ANY_ROLE),
        ("/municipalities/751/", STAFF_ONLY),
        ("/waves/", ANY_ROLE),
        ("/waves/1/", ANY_ROLE),
        ("/wave-plans/", ANY_ROLE),
        ("/wave-plans/published/", ANY_ROLE),
        (f"/wave-plans/{published}/", ANY_ROLE),
        (f"/wave-plans/{draft}/", STAFF_ONLY),
        (f"/wave-plans/{published}/assignments/", ANY_ROLE),
        (f"/wave-plans/{published}/assignments/461/", ANY_ROLE),
        (f"/wave-plans/{published}/assignments/751/", STAFF_ONLY),
        (f"/wave-plans/{draft}/assignments/", STAFF_ONLY),
        ("/readiness/", ANY_ROLE),
        ("/readiness/461/", ANY_ROLE),
        ("/readiness/751/", STAFF_ONLY),
        ("/rollout/", ANY_ROLE),
        ("/rollout/461/", ANY_ROLE),
        ("/rollout/751/", STAFF_ONLY),
        ("/fora/", ANY_ROLE),
        ("/fora/koordinationsgruppen/", ANY_ROLE),
        ("/meetings/", ANY_ROLE),
        (f"/meetings/{data['meeting'].pk}/", ANY_ROLE),
        ("/decisions/", ANY_ROLE),
        (f"/decisions/{data['decision'].pk}/", ANY_ROLE),
    ]


def test_every_endpoint_answers_each_role_as_the_pages_do(api_data, personas, sign_in):
    clients = {name: sign_in(user) for name, user in personas.items()}
    wrong = []
    for path, expected in endpoints(api_data):
        for name, status in expected.items():
            got = clients[name].get(API + path).status_code
            if got != status:
                wrong.append(f"{name} {path}: {got}, expected {status}")
    assert not wrong, "\n".join(wrong)


def test_anonymous_gets_401_with_the_bearer_challenge_everywhere(api_data, anonymous):
    for path, _expected in endpoints(api_data):
        response = anonymous.get(API + path)
        assert response.status_code == 401, path
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_pm_lists_only_own_municipality(api_data, pm_odense, sign_in):
    client = sign_in(pm_odense)
    for path in ["/municipalities/", "/readiness/", "/rollout/"]:
        codes = [row.get("code") for row in client.get(API + path).json()["results"]]
        assert codes == [461], path


def test_viewer_lists_every_municipality(api_data, viewer, sign_in):
    client = sign_in(viewer)
    for path in ["/municipalities/", "/readiness/", "/rollout/"]:
        assert client.get(API + path, {"page_size": 200}).json()["count"] == 98, path


def test_pm_sees_the_figures_of_own_municipality_only(api_data, pm_odense):
    plan = api_data["published"].pk
    rows = (
        token_client_for(pm_odense)
        .get(f"{API}/wave-plans/{plan}/assignments/", {"page_size": 200})
        .json()["results"]
    )
    figures = {row["municipality"]["code"]: row["figures"] for row in rows}
    assert len(figures) == 98
    assert figures[461] is not None
    assert all(value is None for code, value in figures.items() if code != 461)


def test_pm_reads_the_reasons_in_words_without_the_solvers_points(api_data, pm_odense):
    plan = api_data["published"].pk
    body = token_client_for(pm_odense).get(f"{API}/wave-plans/{plan}/assignments/461/").json()
    assert body["wave"] == 1
    assert body["headline"].startswith("Odense")
    assert body["reasons"]
    assert body["contributions"] is None


def test_viewer_reads_the_solvers_points(api_data, viewer):
    plan = api_data["published"].pk
    body = token_client_for(viewer).get(f"{API}/wave-plans/{plan}/assignments/461/").json()
    assert body["contributions"] is not None


def test_pm_reads_own_submitted_answers(api_data, pm_odense):
    body = token_client_for(pm_odense).get(f"{API}/readiness/461/").json()
    assert body["status"] == "submitted"
    assert body["score"] == 100.0
    budget = next(a for a in body["answers"] if a["question_key"] == "eoj_budget")
    assert budget["comment"] == "Afsat i budget 2014"
    assert budget["points"] > 0


def test_pm_does_not_see_drafts_in_the_plan_list(api_data, pm_odense):
    statuses = {
        row["status"]
        for row in token_client_for(pm_odense).get(f"{API}/wave-plans/").json()["results"]
    }
    assert "draft" not in statuses


def test_schema_and_documentation_are_open(anonymous, db):
    assert anonymous.get(f"{API}/schema/").status_code == 200
    response = anonymous.get(f"{API}/docs/")
    assert response.status_code == 200
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_browsable_pages_answer_a_signed_in_browser(api_data, viewer):
    response = session_client(viewer).get(f"{API}/rollout/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
