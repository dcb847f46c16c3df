"""The wave-plan workbook, read back with openpyxl."""

import csv
import datetime
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pytest_django.asserts import assertContains

from municipalities.models import Municipality
from waves import exports
from waves.models import Assignment, Wave, WavePlan
from waves.reference import DRAFT_2013_NAME

pytestmark = pytest.mark.django_db

SHEETS = ["Oversigt", "Bølge 1 (28)", "Bølge 2 (35)", "Bølge 3 (35)", "Ændringer", "Parathed"]
WAVE_HEADERS = [
    "Kode",
    "Kommune",
    "Region",
    "Parathedsscore",
    "Eget ønske (bølge)",
    "Ønske opfyldt",
    "EOJ-leverandør",
    "Leverandørens tidligste bølge",
    "Lægers ibrugtagning",
    "Sygehusenes ibrugtagning",
    "Naboer i andre bølger",
    "Fastlåst",
    "Begrundelse for fastlåsning",
]


def seed_names():
    """The municipalities of each wave as the 2013 slides name them."""
    text = (Path(settings.BASE_DIR) / "../shared/seeds/fmk-wave-plan-2013-12-02.txt").resolve()
    path = Path(settings.BASE_DIR) / "fixtures" / "wave-plan-2013-12-02.csv"
    names = {1: [], 2: [], 3: []}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            names[int(row["wave"])].append(row["name"])
    if text.exists():
        body = text.read_text(encoding="utf-8")
        assert all(name in body for wave in names.values() for name in wave)
    return names


def workbook_of(plan, **kwargs):
    buffer = io.BytesIO()
    exports.write_plan(plan, buffer, **kwargs)
    buffer.seek(0)
    return load_workbook(buffer)


def draft_2013():
    return WavePlan.objects.get(name=DRAFT_2013_NAME)


def copy_plan(source, *, status, name, published_at=None, moves=(), pins=()):
    """A plan with the same waves as `source`, some municipalities moved."""
    plan = WavePlan.objects.create(
        name=name,
        status=status,
        origin=WavePlan.Origin.MANUAL,
        solver_status=WavePlan.SolverStatus.OPTIMAL,
        published_at=published_at,
    )
    waves = {w.number: w for w in Wave.objects.all()}
    moved = dict(moves)
    pinned = dict(pins)
    Assignment.objects.bulk_create(
        Assignment(
            plan=plan,
            municipality_id=a.municipality_id,
            wave=waves[moved.get(a.municipality_id, a.wave.number)],
            readiness_score=55.5,
            wish_wave=2,
            wish_met=a.wave.number == 2,
            gp_adoption=62.5,
            hospital_adoption=100.0,
            vendor_name="Demoleverandør A",
            is_pinned=a.municipality_id in pinned,
            pin_reason=pinned.get(a.municipality_id, ""),
        )
        for a in source.assignments.select_related("wave")
    )
    return plan


def test_the_2013_draft_has_the_sheets_of_the_slides():
    workbook = workbook_of(draft_2013())
    assert workbook.sheetnames == SHEETS


def test_each_wave_sheet_lists_exactly_the_seed_names():
    workbook = workbook_of(draft_2013())
    for number, names in seed_names().items():
        sheet = workbook.worksheets[number]
        listed = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert sorted(listed) == sorted(names)
        assert len(listed) == {1: 28, 2: 35, 3: 35}[number]


def test_wave_sheets_have_danish_bold_frozen_filtered_headers():
    sheet = workbook_of(draft_2013())["Bølge 1 (28)"]
    header = [cell for cell in next(sheet.iter_rows(min_row=1, max_row=1))]
    assert [cell.value for cell in header] == WAVE_HEADERS
    assert all(cell.font.bold for cell in header)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:M29"
    assert sheet.column_dimensions["B"].width >= 20


def test_numbers_are_numbers_and_percentages_are_formatted():
    plan = copy_plan(draft_2013(), status=WavePlan.Status.DRAFT, name="Udkast")
    sheet = workbook_of(plan)["Bølge 1 (28)"]
    row = next(sheet.iter_rows(min_row=2, max_row=2))
    code, name, region, score, wish = (cell.value for cell in row[:5])
    assert isinstance(code, int)
    assert (score, wish) == (55.5, 2)
    gp, hospital = row[8], row[9]
    assert (gp.value, gp.number_format) == (0.625, "0.0%")
    assert (hospital.value, hospital.number_format) == (1.0, "0.0%")


def test_the_overview_has_the_plan_and_per_wave_figures():
    published = timezone.make_aware(datetime.datetime(2014, 1, 20, 10, 0))
    plan = copy_plan(
        draft_2013(), status=WavePlan.Status.PUBLISHED, name="Bølgeplan", published_at=published
    )
    sheet = workbook_of(plan)["Oversigt"]
    facts = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert facts["Plan"] == "Bølgeplan"
    assert facts["Status"] == "offentliggjort" or facts["Status"] == plan.get_status_display()
    assert facts["Offentliggjort"] == datetime.datetime(2014, 1, 20, 10, 0)
    header_row = next(
        index
        for index, row in enumerate(sheet.iter_rows(values_only=True), 1)
        if row[0] == "Bølge"
    )
    rows = list(sheet.iter_rows(min_row=header_row + 1, values_only=True))
    assert [(r[0], r[2], r[5], r[6]) for r in rows] == [
        (1, "2. kvt. 2014", 28, 28),
        (2, "3. kvt. 2014", 35, 35),
        (3, "4. kvt. 2014", 35, 35),
    ]
    assert rows[0][3] == datetime.datetime(2014, 4, 1)
    assert sheet.freeze_panes == f"A{header_row + 1}"


def test_text_a_spreadsheet_would_run_is_neutralised():
    plan = copy_plan(
        draft_2013(),
        status=WavePlan.Status.DRAFT,
        name='=HYPERLINK("http://evil")',
        pins={420: "=cmd|' /C calc'!A0", 810: "+45 hele regionen", 710: "@SUM(A1)", 320: "-1"},
    )
    workbook = workbook_of(plan)
    reasons = {
        row[1]: row[12] for row in workbook["Bølge 1 (28)"].iter_rows(min_row=2, values_only=True)
    }
    assert reasons["Assens Kommune"] == "'=cmd|' /C calc'!A0"
    assert reasons["Brønderslev Kommune"] == "'+45 hele regionen"
    assert reasons["Favrskov Kommune"] == "'@SUM(A1)"
    assert reasons["Faxe Kommune"] == "'-1"
    overview = {r[0]: r[1] for r in workbook["Oversigt"].iter_rows(values_only=True) if r and r[0]}
    assert overview["Plan"] == '\'=HYPERLINK("http://evil")'
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row)


def test_danish_letters_survive_exactly():
    workbook = workbook_of(draft_2013())
    names = {
        row[1]
        for sheet in workbook.worksheets[1:4]
        for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert {"Læsø Kommune", "Ærø Kommune", "Københavns Kommune", "Tårnby Kommune"} <= names


def test_the_changes_sheet_compares_with_the_published_plan():
    draft = draft_2013()
    copy_plan(
        draft,
        status=WavePlan.Status.PUBLISHED,
        name="Offentliggjort",
        published_at=timezone.now(),
    )
    moved = copy_plan(draft, status=WavePlan.Status.DRAFT, name="Nyt udkast", moves={461: 3})
    sheet = workbook_of(moved)["Ændringer"]
    rows = list(sheet.iter_rows(values_only=True))
    facts = {r[0]: r[1] for r in rows if r and r[0] and r[1] is not None}
    assert facts["Sammenlignet med"] == "Offentliggjort"
    assert facts["Kommuner flyttet"] == 1
    odense = next(r for r in rows if r and r[0] == 461)
    assert odense[1:5] == ("Odense Kommune", "Region Syddanmark", 1, 3)


def test_the_2013_draft_has_no_changes_to_show():
    sheet = workbook_of(draft_2013())["Ændringer"]
    assert sheet["B1"].value == "Ingen plan var offentliggjort før denne."


def test_the_readiness_sheet_has_every_municipality_and_question():
    from readiness.models import Questionnaire

    questions = list(Questionnaire.objects.current().questions.all())
    sheet = workbook_of(draft_2013())["Parathed"]
    rows = list(sheet.iter_rows(values_only=True))
    header_index = next(i for i, row in enumerate(rows) if row[0] == "Kode")
    header = rows[header_index]
    for question in questions:
        assert question.short_label in header
    data = [row for row in rows[header_index + 1 :] if row[0] is not None]
    assert len(data) == Municipality.objects.count() == 98


def test_the_export_takes_a_fixed_number_of_queries(django_assert_max_num_queries):
    plan = draft_2013()
    with django_assert_max_num_queries(12):
        exports.write_plan(plan, io.BytesIO())


def test_filename_carries_the_plan_and_the_date():
    plan = draft_2013()
    assert exports.filename(plan, datetime.date(2014, 1, 15)) == (
        f"boelgeplan-{plan.pk}-historisk-2014-01-15.xlsx"
    )


# Downloads and commands ------------------------------------------------------


def test_coordinators_download_the_workbook(coordinator_client):
    plan = draft_2013()
    response = coordinator_client.get(reverse("waves:plan-export", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert f"boelgeplan-{plan.pk}-" in response["Content-Disposition"]
    assert response.streaming
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == SHEETS
    assert workbook.properties.title.startswith("Bølgeplan")
    assert workbook.properties.creator == "koordinator"


def test_viewers_may_download_any_plan_project_managers_not_a_draft(
    viewer_client, client, pm_odense
):
    draft = copy_plan(draft_2013(), status=WavePlan.Status.DRAFT, name="")
    url = reverse("waves:plan-export", args=[draft.pk])
    assert viewer_client.get(url).status_code == 200
    client.force_login(pm_odense)
    assert client.get(url).status_code == 404


def test_project_managers_get_the_wave_lists_of_the_published_plan(client, pm_odense):
    plan = copy_plan(
        draft_2013(), status=WavePlan.Status.PUBLISHED, name="", published_at=timezone.now()
    )
    client.force_login(pm_odense)
    page = client.get(plan.get_absolute_url())
    assertContains(page, reverse("waves:plan-export", args=[plan.pk]))
    response = client.get(reverse("waves:plan-export", args=[plan.pk]))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    # No other municipality's readiness, wishes or planning inputs.
    assert workbook.sheetnames == SHEETS[:4]
    header = [cell.value for cell in next(workbook["Bølge 1 (28)"].iter_rows(max_row=1))]
    assert header == ["Kode", "Kommune", "Region"]


def test_project_managers_copy_names_no_new_answers_and_no_solver(client, pm_odense, monkeypatch):
    from waves.planning.inputs import Freshness

    plan = copy_plan(
        draft_2013(), status=WavePlan.Status.PUBLISHED, name="", published_at=timezone.now()
    )
    changed = Freshness(changed=("readiness",), changed_answers=("Aarhus",))
    monkeypatch.setattr(exports.planning, "freshness", lambda *args, **kwargs: changed)
    client.force_login(pm_odense)
    response = client.get(reverse("waves:plan-export", args=[plan.pk]))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    facts = {r[0]: r[1] for r in workbook["Oversigt"].iter_rows(values_only=True) if r and r[0]}
    assert "Aarhus" not in facts["Forældet"]
    assert "koordinatorerne forbereder en ny plan" in facts["Forældet"]
    assert "Beregning" not in facts
    # The coordinators' copy says who changed what.
    assert "Aarhus" in dict(exports.overview_sheet(plan, [], []).facts)["Forældet"]


def test_changes_sheet_names_the_plan_compared_with(db):
    earlier = copy_plan(
        draft_2013(),
        status=WavePlan.Status.PUBLISHED,
        name="",
        published_at=timezone.now() - datetime.timedelta(days=7),
    )
    plan = copy_plan(draft_2013(), status=WavePlan.Status.DRAFT, name="", moves=[(461, 2)])
    facts = dict(workbook_of(plan)["Ændringer"].iter_rows(max_col=2, values_only=True))
    assert facts["Sammenlignet med"] == f"Bølgeplan nr. {earlier.pk}"


def test_anonymous_users_log_in_first(client):
    response = client.get(reverse("waves:plan-export", args=[draft_2013().pk]))
    assert response.status_code == 302
    assert "/konto/login/" in response["Location"]


def test_wave_plans_lists_one_plan_a_line_id_first():
    plan = draft_2013()
    out = io.StringIO()
    call_command("wave_plans", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[-1].split("\t")[:3] == [str(plan.pk), DRAFT_2013_NAME, "historical"]


def test_export_wave_plan_writes_the_latest_plan(tmp_path):
    target = tmp_path / "plan.xlsx"
    out = io.StringIO()
    call_command("export_wave_plan", "--plan", "latest", "--output", str(target), stdout=out)
    assert load_workbook(target).sheetnames == SHEETS
    assert str(target) in out.getvalue()


def test_export_wave_plan_by_id_and_current(tmp_path):
    draft = draft_2013()
    call_command("export_wave_plan", "--plan", str(draft.pk), "--output", str(tmp_path / "a.xlsx"))
    assert (tmp_path / "a.xlsx").exists()
    with pytest.raises(CommandError, match="No plan is published"):
        call_command("export_wave_plan", "--plan", "current", "--output", str(tmp_path / "b.xlsx"))
    published = copy_plan(
        draft, status=WavePlan.Status.PUBLISHED, name="Gældende", published_at=timezone.now()
    )
    call_command("export_wave_plan", "--plan", "current", "--output", str(tmp_path / "c.xlsx"))
    overview = load_workbook(tmp_path / "c.xlsx")["Oversigt"]
    assert overview["B1"].value == published.name
    with pytest.raises(CommandError, match="No wave plan"):
        call_command("export_wave_plan", "--plan", "nonsense", "--output", str(tmp_path / "d"))


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_opens_the_workbook(tmp_path):
    source = tmp_path / "plan.xlsx"
    with source.open("wb") as stream:
        exports.write_plan(draft_2013(), stream)
    result = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "ods",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "plan.ods").stat().st_size > 0


def test_the_plan_page_offers_the_download_to_staff(coordinator_client):
    plan = draft_2013()
    response = coordinator_client.get(reverse("waves:plan-detail", args=[plan.pk]))
    assert reverse("waves:plan-export", args=[plan.pk]) in response.content.decode()


def test_the_admin_action_exports_one_plan(coordinator_client):
    plan = draft_2013()
    response = coordinator_client.post(
        reverse("admin:waves_waveplan_changelist"),
        {"action": "export_to_excel", "_selected_action": [plan.pk]},
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == SHEETS
