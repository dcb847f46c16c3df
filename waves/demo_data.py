"""Demo planning inputs, and a first published plan (seed_demo only).

Everything here is invented and says so: GP and hospital adoption figures
"in the style of" MedCom's and NSI's, four EOJ vendors named
"Demoleverandør A–D" (no real company is shipped as fact) with their
plans. The figures come from a fixed hash of the municipality code, so
every run gives the same data. Then a plan is computed and published, and
a new draft is computed next to it, so that every page has something to
show.
"""

import datetime
import hashlib

from municipalities.models import Municipality, Region

from . import planning, services
from .models import (
    FigureStatus,
    GPAdoption,
    HospitalAdoption,
    MunicipalityVendor,
    Pin,
    Scenario,
    Vendor,
    VendorAgreement,
    VendorPlan,
    Wave,
    WavePlan,
)

# Sources are names ("MedCom"), the same in both languages; "(demo)" says
# that the figures are invented in MedCom's and NSI's style.
DEMO_SOURCE = "MedCom (demo)"
DEMO_NSI_SOURCE = "NSI (demo)"
GP_DEFINITIONS = [
    "Andel af lægepraksis, der har taget FMK i brug (demo)",
    "Andel af elektroniske recepter sendt via FMK (demo)",
]
MEASURED_ON = datetime.date(2013, 11, 15)
LAESOE = 825  # No GP practice on the island.
NOT_REPORTED = {492}  # Ærø: the demo's "figure not received".

# (name, earliest wave, share of municipalities, agreements: code -> wave)
DEMO_VENDORS = [
    ("Demoleverandør A", None, 45, {}),
    ("Demoleverandør B", 2, 20, {461: 1, 479: 1}),
    ("Demoleverandør C", None, 30, {}),
    ("Demoleverandør D", 3, 5, {}),
]

# Hospital adoption per region: a share, or NSI's go-live status.
DEMO_HOSPITALS = {
    "Region Hovedstaden": ("share", 62),
    "Region Sjælland": ("share", 48),
    "Region Syddanmark": ("go_live", HospitalAdoption.GoLive.LIVE),
    "Region Midtjylland": ("share", 71),
    "Region Nordjylland": ("go_live", HospitalAdoption.GoLive.PARTLY_LIVE),
}


def _fraction(code, salt):
    digest = hashlib.sha256(f"{salt}:{code}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32


def seed():
    summary = seed_inputs()
    published = WavePlan.objects.published().first()
    if published is None:
        run = planning.request_recomputation(
            origin=WavePlan.Origin.MANUAL, reason="Første plan (demo)", dispatch=False
        )
        run = planning.run_recomputation(run_id=run.pk)
        if run.plan is None or not run.plan.has_plan:
            return f"{summary}, but no plan: {run.message}"
        published = services.publish_plan(plan=run.plan, by=None, notify=False)
        # Since then a coordinator has fixed København's wave, so the nightly
        # run makes a new draft to review beside the published plan.
        copenhagen = published.assignments.get(municipality_id=101)
        Pin.objects.get_or_create(
            municipality_id=101,
            scenario=None,
            defaults={"wave_id": copenhagen.wave_id, "reason": "Aftalt med kommunen (demo)"},
        )
        run = planning.request_recomputation(
            origin=WavePlan.Origin.NIGHTLY, reason="Natlig genberegning (demo)", dispatch=False
        )
        planning.run_recomputation(run_id=run.pk)
    return (
        f"{summary}, published plan: {published} "
        f"({len(published.summary.get('split_pairs', []))} split pairs)"
    )


def seed_inputs():
    """The demo adoption figures, vendors and their plans, and a scenario."""
    codes = list(Municipality.objects.order_by("code").values_list("code", flat=True))
    for code in codes:
        if code == LAESOE:
            defaults = {
                "status": FigureStatus.NOT_APPLICABLE,
                "share": None,
                "note": "Ingen lægepraksis i kommunen.",
            }
        elif code in NOT_REPORTED:
            defaults = {"status": FigureStatus.MISSING, "share": None, "note": ""}
        else:
            defaults = {
                "status": FigureStatus.REPORTED,
                "share": round(25 + 70 * _fraction(code, "gp"), 1),
                "note": "",
            }
        definition = GP_DEFINITIONS[int(_fraction(code, "definition") < 0.3)]
        GPAdoption.objects.update_or_create(
            municipality_id=code,
            defaults={
                **defaults,
                "source": DEMO_SOURCE,
                "definition": definition,
                "measured_on": MEASURED_ON,
            },
        )

    for region in Region.objects.all():
        kind, value = DEMO_HOSPITALS.get(region.name, ("share", 50))
        HospitalAdoption.objects.update_or_create(
            region=region,
            defaults={
                "status": FigureStatus.REPORTED,
                "share": value if kind == "share" else None,
                "go_live": value if kind == "go_live" else "",
                "source": DEMO_NSI_SOURCE,
                "definition": "Andel af sygehusenheder med FMK i drift (demo)"
                if kind == "share"
                else "Status for idriftsættelse (demo)",
                "measured_on": MEASURED_ON,
            },
        )

    waves = {w.number: w for w in Wave.objects.all()}
    vendors = []
    for name, earliest, _share, agreements in DEMO_VENDORS:
        vendor, _ = Vendor.objects.update_or_create(
            name=name,
            defaults={"is_demo": True, "note": "Opdigtet leverandør til demo af portalen."},
        )
        plan, _ = VendorPlan.objects.update_or_create(
            vendor=vendor,
            defaults={
                "earliest_wave": waves.get(earliest),
                "source": "Demodata: leverandørens implementeringsplan (opdigtet)",
                "received_on": datetime.date(2013, 11, 20),
            },
        )
        for code, wave in agreements.items():
            VendorAgreement.objects.update_or_create(
                plan=plan,
                municipality_id=code,
                defaults={"wave": waves[wave], "note": "Aftale om tidlig opgradering (demo)."},
            )
        vendors.append(vendor)
    bounds = []
    total = 0
    for (_name, _earliest, share, _agreements), vendor in zip(DEMO_VENDORS, vendors, strict=True):
        total += share
        bounds.append((total / 100, vendor))
    agreed = {
        code: vendor
        for (_name, _earliest, _share, agreements), vendor in zip(
            DEMO_VENDORS, vendors, strict=True
        )
        for code in agreements
    }
    for code in codes:
        point = _fraction(code, "vendor")
        vendor = agreed.get(code) or next(v for bound, v in bounds if point < bound)
        MunicipalityVendor.objects.update_or_create(
            municipality_id=code,
            defaults={
                "vendor": vendor,
                "source": "Demodata (opdigtet)",
                "recorded_on": datetime.date(2013, 11, 20),
            },
        )

    Scenario.objects.get_or_create(
        name="Geografi vægtet højt (demo)",
        defaults={
            "description": "Hvad hvis naboer i samme bølge vejer dobbelt så meget?",
            "split_neighbours": 4,
        },
    )

    return f"demo adoption figures, {len(vendors)} demo vendors"
