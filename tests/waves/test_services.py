"""Moving, pinning, publishing and comparing plans."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from municipalities.models import Municipality
from municipalities.roles import Role
from tests.conftest import make_user
from waves import planning, services
from waves.comparison import compare_plans
from waves.models import Pin, Wave, WavePlan

from .conftest import recompute

pytestmark = pytest.mark.django_db


def wave(number):
    return Wave.objects.get(number=number)


def other_wave(plan, code):
    current = plan.assignments.get(municipality_id=code).wave.number
    return wave(1 if current != 1 else 2)


def test_moving_pins_the_municipality_with_its_reason(draft, coordinator):
    target = other_wave(draft, 461)
    services.move_municipality(
        plan=draft,
        municipality=Municipality.objects.get(code=461),
        wave=target,
        reason="Aftalt på styregruppemødet",
        by=coordinator,
    )
    assignment = draft.assignments.get(municipality_id=461)
    assert assignment.wave == target and assignment.is_pinned and assignment.moved_by_hand
    pin = Pin.objects.get(municipality_id=461, scenario=None)
    assert (pin.wave, pin.reason, pin.created_by) == (
        target,
        "Aftalt på styregruppemødet",
        coordinator,
    )
    assert planning.freshness(draft).changed == ("pins",)
    assert sum(draft.summary["capacity_use"][str(target.number)][:1]) == (
        draft.assignments.filter(wave=target).count()
    )
    # The next recomputation keeps it there.
    assert recompute().plan.assignments.get(municipality_id=461).wave == target


def test_a_move_needs_a_reason(draft, coordinator):
    with pytest.raises(ValidationError) as error:
        services.move_municipality(
            plan=draft,
            municipality=Municipality.objects.get(code=461),
            wave=other_wave(draft, 461),
            reason="  ",
            by=coordinator,
        )
    assert error.value.code == "reason_required"
    assert not Pin.objects.exists()


def test_unpin_removes_the_pin(draft, coordinator):
    odense = Municipality.objects.get(code=461)
    services.pin_municipality(plan=draft, municipality=odense, reason="Fast", by=coordinator)
    services.unpin_municipality(plan=draft, municipality=odense, by=coordinator)
    assert not Pin.objects.exists()
    assert not draft.assignments.get(municipality=odense).is_pinned


def test_published_and_historical_plans_cannot_be_changed(published, coordinator):
    historical = WavePlan.objects.historical().get()
    for plan in (published, historical):
        with pytest.raises(services.PlanNotEditable):
            services.move_municipality(
                plan=plan,
                municipality=Municipality.objects.get(code=461),
                wave=wave(3),
                reason="Nej",
                by=coordinator,
            )
    assert not Pin.objects.exists()


def test_publishing_supersedes_the_previous_plan(published, coordinator):
    Pin.objects.create(municipality_id=461, wave=other_wave(published, 461), reason="Ny aftale")
    draft = recompute().plan
    services.publish_plan(plan=draft, by=coordinator, notify=False)
    published.refresh_from_db()
    assert published.status == WavePlan.Status.SUPERSEDED
    assert WavePlan.objects.published().get() == draft


def test_the_database_allows_one_published_plan_only(published):
    Pin.objects.create(municipality_id=101, wave=wave(3), reason="Aftalt")
    other = recompute(origin=WavePlan.Origin.NIGHTLY)
    draft = WavePlan.objects.exclude(pk=published.pk).exclude(status="historical").first()
    with pytest.raises(IntegrityError), transaction.atomic():
        WavePlan.objects.filter(pk=draft.pk).update(status=WavePlan.Status.PUBLISHED)
    assert other


def test_historical_scenario_and_over_capacity_plans_are_not_published(draft, coordinator):
    historical = WavePlan.objects.historical().get()
    with pytest.raises(ValidationError):
        services.publish_plan(plan=historical, by=coordinator)
    # Over capacity after a move by hand: recompute first.
    full = next(
        number
        for number, (count, capacity) in draft.summary["capacity_use"].items()
        if count == capacity
    )
    code = draft.assignments.exclude(wave__number=int(full)).first().municipality_id
    services.move_municipality(
        plan=draft,
        municipality=Municipality.objects.get(code=code),
        wave=wave(int(full)),
        reason="Prøve",
        by=coordinator,
    )
    with pytest.raises(ValidationError) as error:
        services.publish_plan(plan=draft, by=coordinator)
    name = wave(int(full)).name
    capacity = wave(int(full)).capacity
    assert f"{name} har plads til {capacity} kommuner, men rummer {capacity + 1}." in (
        error.value.messages
    )
    assert not WavePlan.objects.published().exists()


def test_a_draft_moved_before_its_vendors_earliest_wave_is_not_published(draft, coordinator):
    # Demoleverandør D cannot support its customers before wave 3. Moving
    # one to wave 1 needs room there: exchange it with a municipality of
    # wave 1, so that only the vendor rule is broken.
    limited = draft.assignments.filter(vendor_name="Demoleverandør D").first()
    other = draft.assignments.filter(wave__number=1, earliest_wave__isnull=True).first()
    services.move_municipality(
        plan=draft, municipality=limited.municipality, wave=wave(1), reason="Prøve", by=coordinator
    )
    services.move_municipality(
        plan=draft, municipality=other.municipality, wave=wave(3), reason="Prøve", by=coordinator
    )
    with pytest.raises(ValidationError) as error:
        services.publish_plan(plan=draft, by=coordinator)
    assert error.value.messages == [
        "Planen bryder en regel og kan ikke offentliggøres:",
        f"{limited.municipality.short_name} er i {wave(1).name}, men dens EOJ-leverandør "
        f"Demoleverandør D kan ikke understøtte den før {wave(3).name}.",
    ]
    draft.refresh_from_db()
    assert draft.status == WavePlan.Status.DRAFT


def waves_of(plan, codes):
    return plan.assignments.filter(municipality__in=codes).values_list("wave__number", flat=True)


def test_a_bulk_move_is_one_transaction_and_one_recount(draft, coordinator, monkeypatch):
    calls = []
    real = planning.recount_plan
    monkeypatch.setattr(planning, "recount_plan", lambda plan: calls.append(plan) or real(plan))
    codes = list(
        draft.assignments.filter(wave__number=2).values_list("municipality", flat=True)[:3]
    )
    municipalities = list(Municipality.objects.filter(code__in=codes))
    services.move_municipalities(
        plan=draft, municipalities=municipalities, wave=wave(1), reason="Samlet", by=coordinator
    )
    assert len(calls) == 1
    assert set(
        draft.assignments.filter(municipality__in=codes).values_list("wave__number", flat=True)
    ) == {1}
    draft.refresh_from_db()
    assert (
        draft.summary["capacity_use"]["1"][0] == draft.assignments.filter(wave__number=1).count()
    )


def test_a_failed_bulk_move_changes_nothing(draft, coordinator, monkeypatch):
    codes = list(
        draft.assignments.filter(wave__number=2).values_list("municipality", flat=True)[:3]
    )
    municipalities = list(Municipality.objects.filter(code__in=codes))

    def broken(plan):
        raise RuntimeError("recount failed")

    monkeypatch.setattr(planning, "recount_plan", broken)
    with pytest.raises(RuntimeError):
        services.move_municipalities(
            plan=draft, municipalities=municipalities, wave=wave(1), reason="x", by=coordinator
        )
    assert set(
        draft.assignments.filter(municipality__in=codes).values_list("wave__number", flat=True)
    ) == {2}
    assert not Pin.objects.filter(municipality__in=codes).exists()


def test_project_managers_whose_wave_changed_are_emailed(
    published, coordinator, django_capture_on_commit_callbacks
):
    odense = make_user("pl-461", Role.PROJECT_MANAGER, [461])
    make_user("pl-101", Role.PROJECT_MANAGER, [101])
    target = other_wave(published, 461)
    Pin.objects.create(municipality_id=461, wave=target, reason="Ønske fra kommunen")
    draft = recompute().plan
    moved = {
        a.municipality_id
        for a in draft.assignments.all()
        if a.wave_id != published.assignments.get(municipality_id=a.municipality_id).wave_id
    }
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_plan(plan=draft, by=coordinator)
    recipients = {m.to[0] for m in mail.outbox}
    assert odense.email in recipients
    assert ("pl-101@example.invalid" in recipients) == (101 in moved)
    message = next(m for m in mail.outbox if m.to == [odense.email])
    assert "Odense" in message.subject and target.name in message.body
    assert "/kommuner/461/" in message.body


def test_comparison_names_the_moves_and_the_changed_inputs(published):
    Pin.objects.create(municipality_id=461, wave=other_wave(published, 461), reason="Aftale")
    draft = recompute().plan
    comparison = compare_plans(published, draft)
    odense = next(m for m in comparison.moves if m.municipality.code == 461)
    assert odense.to_wave == other_wave(published, 461)
    assert any("fastlåst til bølge" in reason and "Aftale" in reason for reason in odense.reasons)
    assert comparison.unchanged + comparison.moved == 98


def test_comparison_with_the_2013_draft_has_no_input_reasons(draft):
    historical = WavePlan.objects.historical().get()
    comparison = compare_plans(historical, draft)
    assert comparison.moved > 0
    assert any("historisk dokument" in r for r in comparison.plan_reasons)
