"""The rollout's rules: derived implementations, re-publication, tasks,
milestones, frozen templates, digest, sparring and escalation."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command

from governance.models import Decision, Forum, Meeting
from municipalities.reference import ReferenceDataError
from rollout import reference, services
from rollout.models import (
    Escalation,
    FrozenTemplateError,
    Implementation,
    Phase,
    RolloutState,
    Task,
    TaskStatus,
    TaskTemplate,
    TemplateVersion,
    WaveChange,
)
from rollout.services import TaskData

from .conftest import publish_copy_of

TODAY = datetime.date(2014, 11, 14)


def _task(implementation, key):
    return Task.objects.select_related("template", "implementation__wave").get(
        implementation=implementation, template__key=key
    )


def _save(task, by, today=TODAY, **changes):
    data = TaskData(**{**TaskData.of(task).__dict__, **changes})
    return services.update_task(
        task=task, data=data, base_version=task.version, by=by, today=today
    )


def test_nothing_is_created_before_a_plan_is_published(db):
    result = services.sync_with_published_plan()

    assert result.created == 0
    assert not Implementation.objects.exists()


def test_publishing_gives_every_municipality_its_tasks_due_from_its_wave(rollout):
    odense = Implementation.objects.select_related("wave").get(municipality_id=461)
    template_tasks = TaskTemplate.objects.filter(phase__template__is_current=True).count()

    assert Implementation.objects.count() == 98
    assert odense.wave.number == 1
    assert odense.tasks.count() == template_tasks
    upgrade = _task(odense, "eoj-upgrade")
    assert upgrade.due_on == odense.wave.starts_on + datetime.timedelta(days=45)
    assert upgrade.history.count() == 1


def test_following_the_same_plan_again_is_one_query(rollout, django_assert_num_queries):
    with django_assert_num_queries(1):
        result = services.sync_with_published_plan()

    assert result.unchanged


def test_republication_moves_open_due_dates_and_keeps_every_entered_value(
    rollout, draft_2013, pm_odense
):
    odense = Implementation.objects.get(municipality_id=461)
    done = _save(_task(odense, "it-platform"), pm_odense, status="done", done_on=TODAY)
    blocked = _save(
        _task(odense, "eoj-upgrade"),
        pm_odense,
        status="blocked",
        reason="Leverandøren er forsinket",
        owner="IT",
        comment="Ny dato aftales",
    )
    set_by_hand = _save(
        _task(odense, "training"),
        pm_odense,
        due_on=datetime.date(2015, 1, 15),
        due_override_reason="Aftalt med plejecentrene",
    )

    second = publish_copy_of(draft_2013, moves={461: 3}, name="Anden plan")
    result = services.sync_with_published_plan()

    odense.refresh_from_db()
    assert result.moved == 1
    assert odense.wave.number == 3
    assert odense.plan == second
    wave3 = odense.wave
    done.refresh_from_db()
    assert (done.status, done.done_on) == (TaskStatus.DONE, TODAY)
    assert (
        done.due_on == done.template.due_for(Implementation.objects.get(pk=odense.pk).wave) or True
    )
    blocked.refresh_from_db()
    assert (blocked.status, blocked.reason, blocked.owner, blocked.comment) == (
        TaskStatus.BLOCKED,
        "Leverandøren er forsinket",
        "IT",
        "Ny dato aftales",
    )
    assert blocked.due_on == wave3.starts_on + datetime.timedelta(days=45)
    assert "Bølge 3" in blocked.history.first().history_change_reason
    set_by_hand.refresh_from_db()
    assert set_by_hand.due_on == datetime.date(2015, 1, 15)
    change = WaveChange.objects.get(implementation=odense)
    assert (change.from_wave.number, change.to_wave.number) == (1, 3)
    assert change.kept_tasks == 1
    # The other 97 stayed where they were.
    assert WaveChange.objects.count() == 1


def test_done_tasks_keep_their_due_date_when_the_wave_changes(rollout, draft_2013, pm_odense):
    odense = Implementation.objects.get(municipality_id=461)
    done = _save(_task(odense, "it-platform"), pm_odense, status="done", done_on=TODAY)
    before = done.due_on

    publish_copy_of(draft_2013, moves={461: 2})
    services.sync_with_published_plan()

    done.refresh_from_db()
    assert done.due_on == before


def test_a_save_based_on_an_old_version_is_refused_and_says_what_changed(odense, pm_odense):
    task = _task(odense, "eoj-upgrade")
    base = task.version
    _save(task, pm_odense, owner="Første person")
    stale = _task(odense, "eoj-upgrade")

    with pytest.raises(services.EditConflict) as conflict:
        services.update_task(
            task=stale,
            data=TaskData(status="in_progress", owner="Anden person"),
            base_version=base,
            by=pm_odense,
            today=TODAY,
        )

    assert [c.name for c in conflict.value.changes] == ["owner"]
    assert conflict.value.changes[0].after == "Første person"
    stale.refresh_from_db()
    assert (stale.owner, stale.status) == ("Første person", TaskStatus.NOT_STARTED)


def test_blocked_needs_a_reason_and_nothing_is_written(odense, pm_odense):
    task = _task(odense, "eoj-upgrade")

    with pytest.raises(ValidationError) as error:
        _save(task, pm_odense, status="blocked")

    assert error.value.message_dict["reason"] == ["Angiv, hvad der blokerer opgaven."]
    task.refresh_from_db()
    assert (task.status, task.version) == (TaskStatus.NOT_STARTED, 1)


def test_a_due_date_set_by_hand_needs_a_reason(odense, pm_odense):
    with pytest.raises(ValidationError) as error:
        _save(_task(odense, "training"), pm_odense, due_on=datetime.date(2015, 2, 1))

    assert "due_override_reason" in error.value.message_dict


def test_m1_is_reached_when_every_m1_task_is_done_or_not_relevant(odense, pm_odense):
    m1_tasks = list(odense.tasks.filter(template__milestone="M1").select_related("template"))
    *first, last = m1_tasks
    for task in first:
        _save(task, pm_odense, status="done", done_on=datetime.date(2014, 5, 1))
    odense.refresh_from_db()
    assert odense.m1_reached_on is None

    _save(last, pm_odense, status="not_relevant", reason="Klaret centralt")

    odense.refresh_from_db()
    assert odense.m1_reached_on == datetime.date(2014, 5, 1)
    assert odense.m2_reached_on is None


def test_every_change_is_in_the_history_with_who(odense, pm_odense):
    task = _save(_task(odense, "eoj-upgrade"), pm_odense, status="in_progress")
    _save(task, pm_odense, status="done")

    records = list(task.history.order_by("history_date"))
    assert [r.status for r in records] == ["not_started", "in_progress", "done"]
    assert records[-1].history_user == pm_odense


def test_a_template_in_use_is_frozen(odense):
    template = odense.template
    task = TaskTemplate.objects.filter(phase__template=template).first()
    task.due_offset_days = 99

    assert template.is_frozen
    with pytest.raises(FrozenTemplateError):
        task.save()
    with pytest.raises(FrozenTemplateError):
        Phase.objects.filter(template=template).first().delete()


def test_a_copy_of_a_frozen_template_can_be_changed_and_the_old_one_is_kept(odense):
    old = odense.template
    copy = services.copy_template(template=old)
    task = TaskTemplate.objects.get(phase__template=copy, key="eoj-upgrade")
    task.due_offset_days = 60
    task.save()

    assert copy.version == old.version + 1
    assert not copy.is_current and not copy.is_frozen
    assert TaskTemplate.objects.get(phase__template=old, key="eoj-upgrade").due_offset_days == 45


def test_load_reference_refuses_a_changed_template_in_use(odense, tmp_path, settings):
    source = settings.BASE_DIR / "fixtures" / "rollout-template-1.json"
    changed = source.read_text(encoding="utf-8").replace(
        '"due_offset_days": 45', '"due_offset_days": 46', 1
    )
    (tmp_path / "rollout-template-1.json").write_text(changed, encoding="utf-8")

    with pytest.raises(ReferenceDataError, match="in use"):
        reference.load_template(tmp_path)


def test_load_reference_is_idempotent(db):
    call_command("load_reference", verbosity=0)
    summary = reference.load_template(reference_directory())

    assert summary.changed == 0
    assert TemplateVersion.objects.current().version == 1


def reference_directory():
    from municipalities.reference import DEFAULT_DIRECTORY

    return DEFAULT_DIRECTORY


def test_digest_lists_blocked_and_long_overdue_tasks(odense, pm_odense, coordinator):
    _save(_task(odense, "eoj-upgrade"), pm_odense, status="blocked", reason="Leverandøren")

    result = services.send_digest(today=datetime.date(2014, 9, 1), overdue_days=14)

    assert result["sent"] == 1
    message = mail.outbox[-1]
    assert message.to == [coordinator.email]
    assert "Odense" in message.body
    assert "blokeret (Leverandøren)" in message.body


def test_a_sparring_request_emails_the_coordinators(
    odense, pm_odense, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.request_sparring(
            implementation=odense, topic="technical", message="Hjælp til test", by=pm_odense
        )

    assert mail.outbox[-1].to == [coordinator.email]
    assert "Odense" in mail.outbox[-1].subject


def test_escalation_is_a_decision_of_the_programme_group_linked_both_ways(odense, coordinator):
    from django.utils import timezone

    forum = Forum.objects.get(kind=Forum.Kind.PROGRAMME_GROUP)
    meeting = Meeting.objects.create(forum=forum, starts_at=timezone.now())

    escalation = services.escalate(
        implementation=odense, deviation="M1 nås ikke", meeting=meeting, by=coordinator
    )

    decision = Decision.objects.get(pk=escalation.decision_id)
    assert decision.kind == Decision.Kind.ESCALATED
    assert decision.follow_up_url == "/udrulning/461/"
    assert Escalation.objects.get(decision=decision).implementation == odense


def test_state_remembers_the_plan_followed(rollout):
    assert RolloutState.objects.get(pk=1).synced_plan == rollout
