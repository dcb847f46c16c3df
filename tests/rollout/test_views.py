"""The rollout pages: access by role, the checklist, concurrent edits,
the dashboard (also its query count) and the export."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from pytest_django.asserts import assertContains, assertNotContains

from rollout import services
from rollout.models import Implementation, Task, TaskStatus
from tests.factories import synthetic_municipalities
from waves.models import Assignment, Wave

URL = "/udrulning/461/"


def _task(key, code=461):
    return Task.objects.get(implementation__municipality_id=code, template__key=key)


def _form(task, **changes):
    data = {
        "version": task.version,
        "status": task.status,
        "reason": task.reason,
        "owner": task.owner,
        "done_on": "",
        "due_on": "",
        "due_override_reason": "",
        "comment": task.comment,
    }
    data.update(changes)
    return data


def test_anonymous_is_sent_to_login(client, rollout):
    response = client.get(URL)

    assert response.status_code == 302
    assert "/konto/login/" in response["Location"]


def test_pm_sees_own_checklist_with_milestones(odense_client, rollout):
    response = odense_client.get(URL)

    assertContains(response, "Implementering i Odense")
    assertContains(response, "Opgradér EOJ til FMK-version")
    assertContains(response, "Klargøring af medicinkort")
    assertContains(response, 'id="milestone-M1"')


def test_pm_cannot_open_other_municipality(odense_client, rollout):
    assert odense_client.get("/udrulning/751/").status_code == 404
    task = _task("eoj-upgrade", 751)
    assert odense_client.post(f"/udrulning/751/opgaver/{task.pk}/", _form(task)).status_code == 404


def test_pm_cannot_open_the_dashboard(odense_client, rollout):
    assert odense_client.get("/udrulning/").status_code == 403


def test_viewer_reads_but_cannot_change(viewer_client, rollout):
    task = _task("eoj-upgrade")

    assertContains(viewer_client.get(URL), "Du kan læse tjeklisten")
    response = viewer_client.post(f"{URL}opgaver/{task.pk}/", _form(task, status="done"))

    assert response.status_code == 403
    assert (
        viewer_client.post(f"{URL}opgaver/{task.pk}/udfoert/", {"version": 1}).status_code == 403
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.NOT_STARTED


def test_pm_saves_a_task_without_javascript(odense_client, rollout, pm_odense):
    task = _task("eoj-upgrade")

    response = odense_client.post(
        f"{URL}opgaver/{task.pk}/", _form(task, status="in_progress", owner="IT-afdelingen")
    )

    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.owner, task.updated_by) == (
        "in_progress",
        "IT-afdelingen",
        pm_odense,
    )


def test_blocked_without_reason_shows_the_error_and_saves_nothing(odense_client, rollout):
    task = _task("eoj-upgrade")

    response = odense_client.post(f"{URL}opgaver/{task.pk}/", _form(task, status="blocked"))

    assertContains(response, "Angiv, hvad der blokerer opgaven.")
    task.refresh_from_db()
    assert task.status == TaskStatus.NOT_STARTED


def test_ticking_off_the_last_m1_task_reaches_m1(odense_client, rollout):
    odense = Implementation.objects.get(municipality_id=461)
    *first, last = Task.objects.filter(implementation=odense, template__milestone="M1")
    for task in first:
        Task.objects.filter(pk=task.pk).update(status="done", done_on="2014-06-01")

    response = odense_client.post(
        f"{URL}opgaver/{last.pk}/udfoert/", {"version": last.version}, follow=True
    )

    assertContains(response, "M1 er nået.")
    odense.refresh_from_db()
    assert odense.m1_reached_on is not None


def test_concurrent_edits_keep_both_inputs(client, rollout, pm_odense, coordinator):
    """Two people open the same task; the second save is refused, shows the
    first person's change and keeps the second person's input."""
    task = _task("eoj-upgrade")
    opened = _form(task)
    client.force_login(coordinator)
    client.post(f"{URL}opgaver/{task.pk}/", {**opened, "owner": "Koordinatorens bud"})
    client.force_login(pm_odense)

    response = client.post(
        f"{URL}opgaver/{task.pk}/", {**opened, "comment": "Projektlederens kommentar"}
    )

    assertContains(response, "Ikke gemt: en anden har ændret opgaven imens")
    assertContains(response, "Koordinatorens bud")
    assertContains(response, "Projektlederens kommentar")
    task.refresh_from_db()
    assert (task.owner, task.comment) == ("Koordinatorens bud", "")
    # The form now carries the current version: saving again goes through.
    again = response.context["form"].data.copy()
    again["owner"] = "Koordinatorens bud"
    assert client.post(f"{URL}opgaver/{task.pk}/", again).status_code == 302
    task.refresh_from_db()
    assert (task.owner, task.comment) == ("Koordinatorens bud", "Projektlederens kommentar")


def test_task_history_shows_who_changed_what(odense_client, rollout):
    task = _task("eoj-upgrade")
    odense_client.post(f"{URL}opgaver/{task.pk}/", _form(task, owner="IT-afdelingen"))

    response = odense_client.get(f"{URL}opgaver/{task.pk}/historik/")

    assertContains(response, "Projektleder")
    assertContains(response, "IT-afdelingen")


def test_sparring_request_reaches_the_dashboard(odense_client, client, rollout, coordinator):
    odense_client.post(f"{URL}sparring/", {"topic": "technical", "message": "Hjælp til SDN"})
    client.force_login(coordinator)

    response = client.get("/udrulning/")

    assertContains(response, "Hjælp til SDN")


def test_municipality_page_links_to_the_checklist(odense_client, rollout):
    assertContains(odense_client.get("/kommuner/461/"), 'href="/udrulning/461/"')


def test_dashboard_shows_milestones_timeline_map_and_all_municipalities(
    coordinator_client, rollout
):
    response = coordinator_client.get("/udrulning/?measure=phase")

    assertContains(response, "kommuner har nået M1")
    assertContains(response, 'class="timeline"')
    assertContains(response, 'id="rollout-map"')
    assertContains(response, "Hovedstadsområdet")
    assertContains(response, "98 rækker")


def test_english_dashboard_names_the_waves_and_map_measures_in_english(
    coordinator_client, rollout, settings
):
    coordinator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = coordinator_client.get("/udrulning/")

    assertContains(response, "Wave 1 (Q2 2014)</li>")
    assertContains(response, ">Rollout phase</option>")
    assertNotContains(response, "kvartal")
    assertNotContains(response, "Udrulningsfase")


def test_viewer_sees_the_dashboard_without_answer_forms(viewer_client, rollout):
    response = viewer_client.get("/udrulning/")

    assert response.status_code == 200
    assertNotContains(response, "Gem svaret")


def _add_synthetic(published, count):
    municipalities = synthetic_municipalities(count)
    wave = Wave.objects.get(number=2)
    Assignment.objects.bulk_create(
        Assignment(plan=published, municipality=m, wave=wave) for m in municipalities
    )
    # A new plan object to follow: the state remembers the old one.
    from rollout.models import RolloutState

    RolloutState.objects.filter(pk=1).update(synced_plan=None)
    services.sync_with_published_plan()


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return response, [query["sql"] for query in context.captured_queries]


@pytest.mark.parametrize("measure", ["wave", "readiness", "phase"])
def test_dashboard_query_count_does_not_grow_with_municipalities(
    coordinator_client, rollout, measure
):
    url = f"/udrulning/?measure={measure}"
    coordinator_client.get(url)
    _response, at_98 = _queries(coordinator_client, url)
    _add_synthetic(rollout, 902)
    assert Implementation.objects.count() == 1000
    # The map's projection is computed once per set of shapes: the first
    # page after new municipalities arrive loads them, the rest do not.
    coordinator_client.get(url)

    response, at_1000 = _queries(coordinator_client, url)

    assertContains(response, "1000 rækker")
    assert len(at_1000) == len(at_98), "\n".join(sorted(set(at_1000) - set(at_98)))


def test_export_command_writes_the_workbook(rollout, tmp_path):
    Task.objects.filter(implementation__municipality_id=461, template__milestone="M1").update(
        status="done", done_on="2014-06-01"
    )
    services.refresh_milestones(Implementation.objects.get(municipality_id=461))
    output = tmp_path / "udrulning.xlsx"

    call_command("export_rollout", "--output", str(output), stdout=io.StringIO())

    workbook = openpyxl.load_workbook(output, read_only=True)
    assert workbook.sheetnames[-1] == "Alle opgaver"
    wave1 = workbook.worksheets[0]
    rows = {row[0]: row for row in wave1.iter_rows(values_only=True) if row and row[0]}
    assert rows["Odense"][6] is not None  # M1 reached
    municipalities = [r for r in rows.values() if len(r) >= 10 and isinstance(r[1], int)]
    assert len(municipalities) == 28


def test_dashboard_download(coordinator_client, rollout):
    response = coordinator_client.get("/udrulning/excel/")

    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(workbook.sheetnames) == 4
