"""The coordinators' admin of the rollout: every page opens, a template in
use is read-only, and "copy as a new version" makes an editable one."""

import pytest
from django.urls import reverse

from rollout.models import (
    Escalation,
    Implementation,
    Phase,
    Precondition,
    ProgrammePeriod,
    Task,
    TaskTemplate,
    TemplateVersion,
)

MODELS = [TemplateVersion, Phase, Precondition, ProgrammePeriod, Implementation, Task]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_coordinator_opens_every_rollout_admin_page(admin_client_as_coordinator, rollout, model):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert admin_client_as_coordinator.get(changelist).status_code == 200
    obj = model.objects.first()
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    assert admin_client_as_coordinator.get(change).status_code == 200


@pytest.fixture
def admin_client_as_coordinator(client, coordinator):
    client.force_login(coordinator)
    return client


def test_a_template_task_in_use_cannot_be_changed_in_the_admin(
    admin_client_as_coordinator, odense
):
    phase = Phase.objects.filter(template=odense.template).first()
    url = reverse("admin:rollout_phase_change", args=[phase.pk])

    response = admin_client_as_coordinator.post(url, {"name": "Ændret"})

    assert response.status_code == 403
    phase.refresh_from_db()
    assert phase.name == "Mobilisering"


def test_copy_as_new_version_in_the_admin(admin_client_as_coordinator, odense):
    url = reverse("admin:rollout_templateversion_changelist")

    admin_client_as_coordinator.post(
        url, {"action": "copy_as_new_version", "_selected_action": [odense.template_id]}
    )

    copy = TemplateVersion.objects.get(version=2)
    assert not copy.is_frozen
    assert TaskTemplate.objects.filter(phase__template=copy).count() == 27


def test_a_template_in_use_lists_its_links_in_both_languages_not_as_json(
    admin_client_as_coordinator, odense
):
    task = TaskTemplate.objects.filter(phase__template=odense.template).exclude(links=[]).first()
    url = reverse("admin:rollout_phase_change", args=[task.phase_id])

    page = admin_client_as_coordinator.get(url).content.decode()

    link = task.links[0]
    assert f'<span lang="da">{link["label"]}</span>' in page
    assert f'<span lang="en">{link["label_en"]}</span>' in page
    assert '"label_en":' not in page


def test_an_escalation_is_named_by_municipality_and_day_in_english(odense, coordinator):
    from django.utils import translation

    escalation = Escalation.objects.create(
        implementation=odense, deviation="EOJ-opgraderingen er blokeret; M1 nås ikke i tide"
    )
    with translation.override("en"):
        name = str(escalation)

    assert name.startswith("Odense, escalated ")
    assert "nås" not in name
