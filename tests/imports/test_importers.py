"""Each import: its example file, its checks, and what it writes."""

import datetime
from decimal import Decimal

import pytest

from imports import example_files, services
from imports.importers import IMPORTERS
from imports.models import ImportUpload
from waves.models import (
    FigureStatus,
    GPAdoption,
    HospitalAdoption,
    MunicipalityVendor,
    Vendor,
    VendorAgreement,
    VendorPlan,
    WavePlan,
)

from .files import csv_bytes, xlsx

pytestmark = pytest.mark.django_db

PARAMETERS = {
    "source": "MedCom",
    "definition": "Andel af praksis, der har brugt FMK den seneste måned",
    "measured_on": "2014-01-15",
}


def preview(kind, data, filename="fil.xlsx", parameters=PARAMETERS, by=None):
    return services.preview_upload(
        kind=kind, data=data, filename=filename, parameters=parameters, by=by
    )


def apply(upload, by=None):
    return services.apply_upload(upload_id=upload.pk, sha256=upload.sha256, by=by)


def problems(upload):
    return [(p["row"], p["column"], p["message"]) for p in upload.problems]


@pytest.mark.parametrize("extension", ["xlsx", "csv"])
@pytest.mark.parametrize("kind", ["gp", "hospital", "vendor_plans", "vendors"])
def test_each_import_accepts_its_example_file(kind, extension, coordinator):
    path = example_files.path(IMPORTERS[kind], extension)
    upload = preview(kind, path.read_bytes(), path.name, by=coordinator)
    assert upload.problems == []
    assert upload.status == ImportUpload.Status.READY
    assert upload.rows
    applied = apply(upload, by=coordinator)
    assert applied.status == ImportUpload.Status.APPLIED
    assert applied.written == len(upload.rows)


def test_gp_example_writes_figures_with_source_definition_and_date(coordinator):
    path = example_files.path(IMPORTERS["gp"], "xlsx")
    apply(preview("gp", path.read_bytes(), path.name, by=coordinator), by=coordinator)
    copenhagen = GPAdoption.objects.get(municipality_id=101)
    assert copenhagen.share == Decimal("62.5")
    assert copenhagen.source == "MedCom"
    assert copenhagen.definition == PARAMETERS["definition"]
    assert copenhagen.measured_on == datetime.date(2014, 1, 15)
    assert GPAdoption.objects.get(municipality_id=492).share == Decimal("80.0")  # by name only
    laesoe = GPAdoption.objects.get(municipality_id=825)
    assert (laesoe.status, laesoe.share) == (FigureStatus.MISSING, None)


def test_the_import_is_kept_in_the_history_with_who_and_why(coordinator):
    data = xlsx([["Kommune", "Andel"], ["Odense", 45]])
    upload = apply(preview("gp", data, "medcom.xlsx", by=coordinator), by=coordinator)
    record = GPAdoption.objects.get(municipality_id=461).history.latest()
    assert record.history_user == coordinator
    assert record.history_change_reason == f"Indlæsning #{upload.pk}: medcom.xlsx"


def test_names_with_and_without_kommune_and_any_case_are_found():
    data = xlsx(
        [
            ["Kommune", "Andel"],
            ["Københavns Kommune", 1],
            ["  aarhus   KOMMUNE ", 2],
            ["Odense", 3],
            ["Bornholms Regionskommune", 4],
        ]
    )
    upload = preview("gp", data)
    assert problems(upload) == []
    assert [row["data"]["municipality"] for row in upload.rows] == [101, 751, 461, 400]


def test_copenhagen_by_its_short_name_is_copenhagen():
    upload = preview("gp", csv_bytes([["Kommune", "Andel"], ["København", "12,5"]]), "a.csv")
    assert upload.rows[0]["data"] == {
        "municipality": 101,
        "status": "reported",
        "share": "12.5",
        "note": "",
    }


def test_every_problem_is_reported_with_its_row_and_column():
    data = xlsx(
        [
            ["Kommunekode", "Kommune", "Andel (%)"],
            [461, "Odense", 45],
            [999, None, 10],
            [None, "Atlantis", 10],
            [751, "Odense", 10],
            [147, None, 140],
            [153, None, "mange"],
            [461, None, 50],
        ]
    )
    upload = preview("gp", data)
    assert upload.status == ImportUpload.Status.HAS_ERRORS
    assert problems(upload) == [
        (3, "A (Kommunekode)", "Der findes ingen kommune med kode 999."),
        (4, "B (Kommune)", "Ukendt kommune »Atlantis«."),
        (5, "A (Kommunekode)", "Kode 751 er Aarhus Kommune, men navnet siger »Odense«."),
        (6, "C (Andel (%))", "140 % er uden for 0–100 %."),
        (7, "C (Andel (%))", "»mange« er ikke en procentdel (skriv f.eks. 45 eller 45,3)."),
        (8, "", "Odense står også i række 2."),
    ]


def test_missing_columns_are_named():
    upload = preview("gp", xlsx([["Kommune", "Procentdel"], ["Odense", 4]]))
    assert upload.status == ImportUpload.Status.HAS_ERRORS
    assert "»Andel (%)« mangler" in problems(upload)[0][2]
    assert "»Procentdel«" in problems(upload)[0][2]


def test_a_municipality_column_is_required():
    upload = preview("gp", xlsx([["Andel"], [4]]))
    assert "»Kommunekode« eller »Kommune«" in problems(upload)[0][2]


def test_percent_formatted_cells_and_danish_decimals_are_read_as_per_cent():
    data = xlsx(
        [["Kommune", "Andel"], ["Odense", 0.455], ["Aarhus", "45,35 %"]],
        number_formats={"B2": "0.0%"},
    )
    upload = preview("gp", data)
    assert [row["data"]["share"] for row in upload.rows] == ["45.5", "45.4"]


def test_fractions_get_a_warning_but_are_not_errors():
    upload = preview("gp", xlsx([["Kommune", "Andel"], ["Odense", 0.45], ["Aarhus", 0.5]]))
    assert upload.status == ImportUpload.Status.READY
    assert any("mellem 0 og 1" in warning for warning in upload.warnings)


def test_a_file_with_errors_cannot_be_imported_and_writes_nothing():
    upload = preview("gp", xlsx([["Kommune", "Andel"], ["Odense", 45], ["Atlantis", 4]]))
    with pytest.raises(services.NotImportable):
        apply(upload)
    assert not GPAdoption.objects.filter(municipality_id=461).exists()


def test_the_confirmation_must_carry_the_previewed_hash():
    upload = preview("gp", xlsx([["Kommune", "Andel"], ["Odense", 45]]))
    with pytest.raises(services.NotImportable) as caught:
        services.apply_upload(upload_id=upload.pk, sha256="0" * 64, by=None)
    assert caught.value.code == "mismatch"
    assert not GPAdoption.objects.filter(municipality_id=461).exists()


def test_a_file_is_imported_once():
    upload = preview("gp", xlsx([["Kommune", "Andel"], ["Odense", 45]]))
    apply(upload)
    with pytest.raises(services.NotImportable) as caught:
        apply(upload)
    assert caught.value.code == "applied"


def test_the_preview_is_written_as_previewed_even_if_the_file_changed():
    upload = preview("gp", xlsx([["Kommune", "Andel"], ["Odense", 45]]))
    # The stored rows are what counts, not a second reading of anything.
    upload.content = xlsx([["Kommune", "Andel"], ["Odense", 99]])
    upload.save()
    apply(upload)
    assert GPAdoption.objects.get(municipality_id=461).share == Decimal("45.0")


def test_a_failing_row_rolls_back_the_whole_import(monkeypatch):
    upload = preview("gp", xlsx([["Kommune", "Andel"], ["Odense", 45], ["Aarhus", 50]]))
    calls = []
    original = GPAdoption.save

    def fail_on_second(self, *args, **kwargs):
        calls.append(self.municipality_id)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(GPAdoption, "save", fail_on_second)
    with pytest.raises(RuntimeError):
        apply(upload)
    assert not GPAdoption.objects.filter(municipality_id__in=[461, 751]).exists()
    upload.refresh_from_db()
    assert upload.status == ImportUpload.Status.READY


def test_unchanged_rows_are_not_written_again():
    data = xlsx([["Kommune", "Andel"], ["Odense", 45]])
    apply(preview("gp", data))
    again = preview("gp", data)
    assert again.rows[0]["change"] == "unchanged"
    assert apply(again).written == 0
    changed = preview("gp", data, parameters={**PARAMETERS, "measured_on": "2014-02-15"})
    assert changed.rows[0]["change"] == "changed"


def test_an_import_makes_the_current_plans_out_of_date():
    from waves import planning

    plan = WavePlan.objects.create(
        name="Udkast",
        origin=WavePlan.Origin.MANUAL,
        solver_status=WavePlan.SolverStatus.OPTIMAL,
        input_fingerprints=planning.gather_inputs()[1]["fingerprints"],
    )
    assert not planning.freshness(plan).is_out_of_date
    apply(preview("gp", xlsx([["Kommune", "Andel"], ["Odense", 45]])))
    assert planning.freshness(plan).changed == ("adoption",)


def test_hospital_figures_by_region_name_share_or_status():
    data = xlsx(
        [
            ["Region", "Andel (%)", "Status"],
            ["Hovedstaden", 80, None],
            ["Region Nordjylland", None, "delvist i drift"],
            [1083, None, "i drift"],
        ]
    )
    upload = apply(preview("hospital", data, parameters={**PARAMETERS, "source": "NSI"}))
    assert upload.written == 3
    assert HospitalAdoption.objects.get(region_id=1084).share == Decimal("80.0")
    north = HospitalAdoption.objects.get(region_id=1081)
    assert (north.go_live, north.share) == ("partly_live", Decimal("50.0"))
    assert HospitalAdoption.objects.get(region_id=1083).share == Decimal("100.0")


def test_hospital_rows_with_both_share_and_status_or_unknown_regions_are_errors():
    data = xlsx(
        [
            ["Region", "Andel (%)", "Status"],
            ["Hovedstaden", 80, "i drift"],
            ["Region Fyn", 10, None],
            ["Sjælland", None, "måske"],
        ]
    )
    upload = preview("hospital", data)
    assert [(row, column) for row, column, _message in problems(upload)] == [
        (2, "C (Status)"),
        (3, "A (Region)"),
        (4, "C (Status)"),
    ]


def test_vendor_plans_then_vendors_with_an_agreed_wave():
    plans = xlsx(
        [
            ["Leverandør", "Tidligste bølge", "Modtaget"],
            ["Omsorg A/S", "Bølge 2", "10-01-2014"],
            ["Journal ApS", None, None],
        ]
    )
    apply(preview("vendor_plans", plans))
    plan = VendorPlan.objects.get(vendor__name="Omsorg A/S")
    assert (plan.earliest_wave.number, plan.received_on) == (2, datetime.date(2014, 1, 10))
    assert VendorPlan.objects.get(vendor__name="Journal ApS").earliest_wave is None

    customers = xlsx(
        [
            ["Kommune", "Leverandør", "Aftalt bølge"],
            ["Odense", "omsorg a/s", 1],
            ["Aarhus", "Journal ApS", None],
        ]
    )
    upload = preview("vendors", customers)
    assert problems(upload) == []
    apply(upload)
    assert MunicipalityVendor.objects.get(municipality_id=461).vendor.name == "Omsorg A/S"
    agreement = VendorAgreement.objects.get(municipality_id=461)
    assert (agreement.plan.vendor.name, agreement.wave.number) == ("Omsorg A/S", 1)
    assert Vendor.objects.filter(name__iexact="omsorg a/s").count() == 1


def test_an_agreed_wave_needs_the_vendors_plan():
    upload = preview(
        "vendors", xlsx([["Kommune", "Leverandør", "Aftalt bølge"], ["Odense", "Ny", 1]])
    )
    assert problems(upload)[0][:2] == (2, "C (Aftalt bølge)")
    assert "importér leverandørernes planer først" in problems(upload)[0][2]


def test_a_wave_that_does_not_exist_is_an_error():
    upload = preview("vendor_plans", xlsx([["Leverandør", "Tidligste bølge"], ["A", 7]]))
    assert problems(upload)[0][:2] == (2, "B (Tidligste bølge)")
