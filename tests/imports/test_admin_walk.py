"""Every admin page a coordinator can reach answers 200, and what is
recorded with history can be read in the admin (issue 5, items 4 and 5)."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from simple_history.admin import SimpleHistoryAdmin

from imports import example_files, services
from imports.importers import IMPORTERS

pytestmark = pytest.mark.django_db

# Models whose changes issue 5 wants kept with who and when: plans, pins,
# weights, planning inputs and answers.
MUST_HAVE_HISTORY = {
    "waves.WavePlan",
    "waves.Pin",
    "waves.PlanningWeights",
    "waves.Wave",
    "waves.Scenario",
    "waves.GPAdoption",
    "waves.HospitalAdoption",
    "waves.Vendor",
    "waves.VendorPlan",
    "waves.VendorAgreement",
    "waves.MunicipalityVendor",
    "readiness.Questionnaire",
    "readiness.Question",
    # A weight set is immutable (a change is a new set), so the sets
    # themselves are the history of the weights.
    "readiness.WeightSet",
    "readiness.Response",
}


@pytest.fixture
def planning_inputs(coordinator):
    """Rows for the input models: the four example imports."""
    for kind in ("gp", "hospital", "vendor_plans", "vendors"):
        path = example_files.path(IMPORTERS[kind], "xlsx")
        upload = services.preview_upload(
            kind=kind,
            data=path.read_bytes(),
            filename=path.name,
            parameters={"source": "Test", "definition": "Test", "measured_on": "2014-01-15"},
            by=coordinator,
        )
        services.apply_upload(upload_id=upload.pk, sha256=upload.sha256, by=coordinator)


def registered():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def as_request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_every_admin_page_answers_200_for_a_coordinator(
    coordinator_client, coordinator, planning_inputs
):
    request = as_request(coordinator)
    failures = []
    for model, model_admin in registered():
        opts = model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}"
        pages = []
        if model_admin.has_view_or_change_permission(request):
            pages.append(reverse(f"{name}_changelist"))
            obj = model._default_manager.order_by("pk").first()
            if obj is not None:
                pages.append(reverse(f"{name}_change", args=[obj.pk]))
                if isinstance(model_admin, SimpleHistoryAdmin):
                    pages.append(reverse(f"{name}_history", args=[obj.pk]))
        if model_admin.has_add_permission(request):
            try:
                pages.append(reverse(f"{name}_add"))
            except NoReverseMatch:
                pass
        for url in pages:
            response = coordinator_client.get(url, follow=True)
            if response.status_code != 200:
                failures.append(f"{url}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_the_changes_issue_5_names_are_kept_with_history_viewable_in_the_admin():
    missing = []
    for label in sorted(MUST_HAVE_HISTORY):
        model = apps.get_model(label)
        tracked = hasattr(model, "history")
        model_admin = admin.site._registry.get(model)
        viewable = isinstance(model_admin, SimpleHistoryAdmin)
        if not tracked:
            missing.append(f"{label}: no history")
        elif not viewable:
            missing.append(f"{label}: no admin page with its history")
    assert not missing, "\n".join(missing)
