"""Demo progress for every municipality (seed_demo only).

The demo is set in the autumn of 2014: `DEMO_AS_OF` is stored as the
demo's "today" (`RolloutState.demo_as_of`, shown in a banner), so wave 1 is
well under way, wave 2 has passed M1's target and wave 3 has just begun.
Each municipality gets a fixed profile from a hash of its code (a few
ahead, many on track, some behind, a few blocked), so every run gives the
same data. Odense has every M1 task done but the training environment, so
its project manager can tick off the last one and see M1 reached.
"""

import datetime
import hashlib

from django.contrib.auth import get_user_model
from django.db import transaction
from simple_history.utils import bulk_update_with_history

from governance.models import Meeting

from . import services
from .models import (
    Escalation,
    Implementation,
    Precondition,
    RolloutState,
    SparringRequest,
    Task,
    TaskStatus,
)

DEMO_AS_OF = datetime.date(2014, 11, 14)
ODENSE = 461
ODENSE_LAST_M1_TASK = "training-environment"
OWNERS = {
    1: "Projektleder",
    2: "IT-afdelingen",
    3: "Sygeplejefaglig leder",
    4: "Superbrugere",
    5: "Projektleder",
    6: "Kommunikationsafdelingen",
}
BLOCK_REASON = "Venter på EOJ-leverandørens opgradering til FMK-versionen"
NOT_RELEVANT = ("cards-plo-agreement", "Lokal aftale med lægerne dækker allerede klargøringen")


def _fraction(code, salt):
    digest = hashlib.sha256(f"rollout:{salt}:{code}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32


def profile(code):
    """ahead, on_track, behind or blocked: fixed for each municipality."""
    if code == ODENSE:
        return "on_track"
    value = _fraction(code, "profile")
    if value < 0.12:
        return "ahead"
    if value < 0.70:
        return "on_track"
    if value < 0.92:
        return "behind"
    return "blocked"


def _progress(task, code, kind, today):
    """The status and done date a demo task gets on `today`."""
    slack = int(_fraction(f"{code}:{task.template.key}", "slack") * 12)
    horizon = {
        "ahead": today + datetime.timedelta(days=40),
        "on_track": today - datetime.timedelta(days=3),
        "behind": today - datetime.timedelta(days=50),
        "blocked": today - datetime.timedelta(days=70),
    }[kind]
    if task.due_on <= horizon:
        return TaskStatus.DONE, min(task.due_on - datetime.timedelta(days=slack), today)
    if task.due_on <= today + datetime.timedelta(days=30):
        return TaskStatus.IN_PROGRESS, None
    return TaskStatus.NOT_STARTED, None


@transaction.atomic
def seed():
    state, _created = RolloutState.objects.get_or_create(pk=1)
    state.demo_as_of = DEMO_AS_OF
    state.save(update_fields=["demo_as_of"])
    result = services.sync_with_published_plan()
    if Task.objects.filter(version__gt=1).exists():
        _seed_escalation(list(Implementation.objects.select_related("municipality")))
        return f"demo progress already there (as of {DEMO_AS_OF})"
    today = DEMO_AS_OF
    _seed_preconditions()
    implementations = list(Implementation.objects.select_related("municipality"))
    tasks = list(Task.objects.select_related("template__phase", "implementation"))
    by_implementation = {}
    for task in tasks:
        by_implementation.setdefault(task.implementation_id, []).append(task)
    counts = {}
    changed = []
    for implementation in implementations:
        code = implementation.municipality_id
        kind = profile(code)
        counts[kind] = counts.get(kind, 0) + 1
        blocked_one = False
        for task in by_implementation.get(implementation.pk, []):
            status, done_on = _progress(task, code, kind, today)
            if code == ODENSE and task.template.key == ODENSE_LAST_M1_TASK:
                status, done_on = TaskStatus.IN_PROGRESS, None
            reason = ""
            if task.template.key == NOT_RELEVANT[0] and _fraction(code, "plo") < 0.3:
                status, done_on, reason = TaskStatus.NOT_RELEVANT, None, NOT_RELEVANT[1]
            elif (
                kind == "blocked"
                and not blocked_one
                and status != TaskStatus.DONE
                and task.template.milestone == "M1"
            ):
                status, reason, blocked_one = TaskStatus.BLOCKED, BLOCK_REASON, True
            if status == TaskStatus.NOT_STARTED:
                continue
            task.status = status
            task.done_on = done_on
            task.reason = reason
            task.owner = OWNERS.get(task.template.phase.number, "")
            task.version += 1
            changed.append(task)
    bulk_update_with_history(
        changed,
        Task,
        ["status", "done_on", "reason", "owner", "version"],
        batch_size=1000,
        default_change_reason="Demodata",
    )
    for implementation in implementations:
        services.refresh_milestones(implementation)
    requests = _seed_requests(implementations)
    escalations = _seed_escalation(implementations)
    return (
        f"{result.created} implementations, {len(changed)} tasks with progress "
        f"({', '.join(f'{n} {k}' for k, n in sorted(counts.items()))}), "
        f"{requests} sparring requests, {escalations} escalation(s), as of {DEMO_AS_OF}"
    )


def _seed_preconditions():
    values = {
        "integration-project": {
            "status": Precondition.Status.MET,
            "met_on": datetime.date(2014, 3, 28),
            "owner": "Sundhedsdatastyrelsen",
        },
        "implementation-products": {
            "status": Precondition.Status.MET,
            "met_on": datetime.date(2014, 4, 11),
            "owner": "MedCom",
        },
        # The late one: expected before wave 3, still not met.
        "gp-hospital-use": {
            "status": Precondition.Status.IN_PROGRESS,
            "expected_on": datetime.date(2014, 9, 30),
            "owner": "Regionerne og PLO",
            "note": "Sygehusenes brug i Region Nordjylland er forsinket (demo).",
        },
    }
    for key, fields in values.items():
        Precondition.objects.filter(key=key).update(**fields)


def _seed_requests(implementations):
    User = get_user_model()
    by_code = {i.municipality_id: i for i in implementations}
    coordinator = User.objects.filter(username="koordinator").first()
    made = 0
    wishes = [
        (
            751,
            SparringRequest.Topic.MEDICATION_CARDS,
            "Hvordan har andre kommuner organiseret "
            "klargøringen af medicinkort sammen med lægerne?",
            None,
        ),
        (
            825,
            SparringRequest.Topic.TECHNICAL,
            "Vi har brug for hjælp til at teste forbindelsen til Sundhedsdatanettet.",
            None,
        ),
        (
            482,
            SparringRequest.Topic.GP_AGREEMENT,
            "Findes der en skabelon til aftalen med de praktiserende læger på øen?",
            None,
        ),
        (
            101,
            SparringRequest.Topic.WORK_PROCESSES,
            "Kan vi få MedComs arbejdsgangsbeskrivelser i en redigerbar udgave?",
            "Ja, de er sendt til jer på e-mail.",
        ),
    ]
    for code, topic, message, answer in wishes:
        implementation = by_code.get(code)
        if implementation is None:
            continue
        user = User.objects.filter(municipality_memberships__municipality_id=code).first()
        request = SparringRequest.objects.create(
            implementation=implementation, topic=topic, message=message, requested_by=user
        )
        if answer:
            services.answer_sparring(request=request, answer=answer, by=coordinator)
        made += 1
    return made


def _seed_escalation(implementations):
    meeting = Meeting.objects.filter(forum__slug="programgruppen").order_by("-starts_at").first()
    # Re-seeding the governance demo deletes its meetings: the demo
    # escalation that lost its decision is made again.
    Escalation.objects.filter(decision__isnull=True, deviation__endswith="(demo).").delete()
    blocked = [i for i in implementations if profile(i.municipality_id) == "blocked"]
    if meeting is None or not blocked or Escalation.objects.exists():
        return 0
    User = get_user_model()
    services.escalate(
        implementation=blocked[0],
        deviation="EOJ-opgraderingen er blokeret; M1 nås ikke i bølgens periode (demo).",
        meeting=meeting,
        by=User.objects.filter(username="koordinator").first(),
    )
    return 1
