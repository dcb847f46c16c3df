"""The changelists that grow with the municipalities keep a constant query
count: measured at the real 98, then again at 1,098."""

import datetime

import pytest
from django.urls import reverse

from municipalities.models import Municipality
from tests.factories import synthetic_municipalities
from waves.models import (
    Assignment,
    FigureStatus,
    GPAdoption,
    MunicipalityVendor,
    Pin,
    Vendor,
    VendorAgreement,
    VendorPlan,
    Wave,
    WavePlan,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2014, 1, 15)


def add_rows(codes, vendor, plan, draft):
    waves = list(Wave.objects.order_by("number"))
    GPAdoption.objects.bulk_create(
        GPAdoption(
            municipality_id=code,
            status=FigureStatus.REPORTED,
            share=50,
            source="Test",
            definition="Test",
            measured_on=DAY,
        )
        for code in codes
    )
    MunicipalityVendor.objects.bulk_create(
        MunicipalityVendor(municipality_id=code, vendor=vendor, source="Test", recorded_on=DAY)
        for code in codes
    )
    VendorAgreement.objects.bulk_create(
        VendorAgreement(plan=plan, municipality_id=code, wave=waves[0]) for code in codes
    )
    Pin.objects.bulk_create(
        Pin(municipality_id=code, wave=waves[code % 3], reason="Test") for code in codes
    )
    Assignment.objects.bulk_create(
        Assignment(plan=draft, municipality_id=code, wave=waves[code % 3], vendor_name="A")
        for code in codes
    )


def add_synthetic_municipalities(count):
    synthetic_municipalities(count)
    return [10_000 + i for i in range(count)]


CHANGELISTS = [
    "admin:waves_gpadoption_changelist",
    "admin:waves_municipalityvendor_changelist",
    "admin:waves_vendoragreement_changelist",
    "admin:waves_pin_changelist",
    "admin:waves_assignment_changelist",
    "admin:imports_importupload_changelist",
]


@pytest.mark.parametrize("name", CHANGELISTS)
def test_changelist_queries_do_not_grow_with_the_municipalities(
    coordinator_client, django_assert_max_num_queries, name
):
    vendor = Vendor.objects.create(name="Leverandør")
    plan = VendorPlan.objects.create(vendor=vendor, source="Test", received_on=DAY)
    draft = WavePlan.objects.create(
        name="Udkast", origin=WavePlan.Origin.MANUAL, solver_status=WavePlan.SolverStatus.OPTIMAL
    )
    add_rows(list(Municipality.objects.values_list("code", flat=True)), vendor, plan, draft)
    url = reverse(name)
    if name.endswith("assignment_changelist"):
        url += f"?plan={draft.pk}"
    with django_assert_max_num_queries(25) as at_98:
        response = coordinator_client.get(url + ("&" if "?" in url else "?") + "all=")
    assert response.status_code == 200
    add_rows(add_synthetic_municipalities(1000), vendor, plan, draft)
    with django_assert_max_num_queries(len(at_98.captured_queries)):
        response = coordinator_client.get(url + ("&" if "?" in url else "?") + "all=")
    assert response.status_code == 200
