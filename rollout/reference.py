"""Load the shipped implementation template (`fixtures/rollout-template-*.json`).

Each file is one template version: its phases and tasks (milestone, due
date rule, help, links) in Danish and English, the programme's periods and
milestones for the timeline, and its preconditions. Loading is idempotent
and careful with what coordinators own, like the questionnaires: a missing
version is created; one not yet in use gets the file's texts and rules; a
version in use (frozen) must match the file's tasks and rules or the load
is refused. Periods and preconditions are created when missing and get the
file's names; their dates and status are the coordinators' and are never
overwritten.
"""

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from municipalities.reference import ReferenceDataError

from .models import Milestone, Phase, Precondition, ProgrammePeriod, TaskTemplate, TemplateVersion

PHASE_FIELDS = ["name", "name_en", "description", "description_en"]
TASK_FIELDS = [
    "title",
    "title_en",
    "help_text",
    "help_text_en",
    "milestone",
    "checklist",
    "due_anchor",
    "due_offset_days",
    "links",
]
# What a version in use must keep: the meaning of the tasks.
FROZEN_FIELDS = ["milestone", "checklist", "due_anchor", "due_offset_days"]


@dataclass
class LoadSummary:
    versions: int
    tasks: int
    changed: int

    def __str__(self):
        return (
            f"{self.versions} template version(s), {self.tasks} tasks "
            f"({self.changed} rows changed)"
        )


def _require(mapping, keys, where):
    for key in keys:
        value = mapping.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ReferenceDataError(f"{where}: '{key}' is missing or empty.")


def _date(value, where):
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError) as error:
        raise ReferenceDataError(f"{where}: dates must be YYYY-MM-DD.") from error


def read_template(path):
    """Read and check one file; return its data with defaults filled in."""
    name = Path(path).name
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ReferenceDataError(f"{name} is not valid JSON: {error}") from error
    _require(data, ["version", "title", "title_en", "phases"], name)
    keys = set()
    numbers = set()
    for phase in data["phases"]:
        where = f"{name}, phase {phase.get('number')}"
        _require(phase, ["number", "name", "name_en", "tasks"], where)
        if phase["number"] in numbers:
            raise ReferenceDataError(f"{where}: the number is used twice.")
        numbers.add(phase["number"])
        for field in PHASE_FIELDS:
            phase.setdefault(field, "")
        for task in phase["tasks"]:
            _require(task, ["key", "title", "title_en", "due_anchor"], where)
            if task["key"] in keys:
                raise ReferenceDataError(f"{where}: task key '{task['key']}' is used twice.")
            keys.add(task["key"])
            task.setdefault("milestone", "")
            task.setdefault("checklist", TaskTemplate.Checklist.IMPLEMENTATION)
            task.setdefault("due_offset_days", 0)
            task.setdefault("links", [])
            task.setdefault("help_text", "")
            task.setdefault("help_text_en", "")
            if task["milestone"] not in ("", *Milestone.values):
                raise ReferenceDataError(f"{where}: unknown milestone '{task['milestone']}'.")
            if task["due_anchor"] not in TaskTemplate.Anchor.values:
                raise ReferenceDataError(f"{where}: unknown due anchor '{task['due_anchor']}'.")
            if task["checklist"] not in TaskTemplate.Checklist.values:
                raise ReferenceDataError(f"{where}: unknown checklist '{task['checklist']}'.")
            if not isinstance(task["due_offset_days"], int):
                raise ReferenceDataError(f"{where}: due_offset_days must be a whole number.")
    if not keys:
        raise ReferenceDataError(f"{name}: the template has no tasks.")
    for milestone in Milestone.values:
        if not any(t["milestone"] == milestone for p in data["phases"] for t in p["tasks"]):
            raise ReferenceDataError(f"{name}: no task counts towards {milestone}.")
    for period in data.get("programme", []):
        _require(period, ["key", "name", "name_en", "ends_on"], f"{name}, programme")
        period["starts_on"] = _date(period.get("starts_on"), f"{name}, {period['key']}")
        period["ends_on"] = _date(period["ends_on"], f"{name}, {period['key']}")
        period.setdefault("milestone", "")
    for item in data.get("preconditions", []):
        _require(item, ["key", "title", "title_en"], f"{name}, preconditions")
        item["expected_on"] = _date(item.get("expected_on"), f"{name}, {item['key']}")
    return data


def _update(instance, values):
    changed = [field for field, value in values.items() if getattr(instance, field) != value]
    for field in changed:
        setattr(instance, field, values[field])
    if changed:
        instance.save(update_fields=changed)
    return bool(changed)


def _check_frozen_matches(template, data):
    stored = {
        task.key: tuple(getattr(task, field) for field in FROZEN_FIELDS)
        for task in TaskTemplate.objects.filter(phase__template=template)
    }
    shipped = {
        task["key"]: tuple(task[field] for field in FROZEN_FIELDS)
        for phase in data["phases"]
        for task in phase["tasks"]
    }
    if stored != shipped:
        raise ReferenceDataError(
            f"template version {data['version']} is in use, and its tasks or rules differ "
            "from the file: ship the change as a new version."
        )


def _write_template(data):
    changed = 0
    template, created = TemplateVersion.objects.get_or_create(
        version=data["version"],
        defaults={
            "title": data["title"],
            "title_en": data["title_en"],
            "source": data.get("source", ""),
        },
    )
    changed += created
    if not created and template.is_frozen:
        _check_frozen_matches(template, data)
        return changed
    changed += _update(
        template,
        {"title": data["title"], "title_en": data["title_en"], "source": data.get("source", "")},
    )
    kept_phases = []
    for item in data["phases"]:
        values = {field: item[field] for field in PHASE_FIELDS}
        phase, made = Phase.objects.get_or_create(
            template=template, number=item["number"], defaults=values
        )
        changed += made or _update(phase, values)
        kept_phases.append(phase.pk)
        kept_tasks = []
        for order, task_item in enumerate(item["tasks"], start=1):
            task_values = {field: task_item[field] for field in TASK_FIELDS}
            task_values["order"] = order
            # A task may have moved to another phase in the file.
            task = TaskTemplate.objects.filter(
                phase__template=template, key=task_item["key"]
            ).first()
            if task is None:
                TaskTemplate.objects.create(phase=phase, key=task_item["key"], **task_values)
                changed += 1
            else:
                task_values["phase"] = phase
                changed += _update(task, task_values)
            kept_tasks.append(task_item["key"])
    stale_tasks = TaskTemplate.objects.filter(phase__template=template).exclude(
        key__in=[t["key"] for p in data["phases"] for t in p["tasks"]]
    )
    changed += stale_tasks.delete()[0]
    changed += template.phases.exclude(pk__in=kept_phases).delete()[0]
    return changed


def _write_programme(data):
    changed = 0
    for order, item in enumerate(data.get("programme", []), start=1):
        period, made = ProgrammePeriod.objects.get_or_create(
            key=item["key"],
            defaults={
                "name": item["name"],
                "name_en": item["name_en"],
                "starts_on": item["starts_on"],
                "ends_on": item["ends_on"],
                "milestone": item["milestone"],
                "order": order,
            },
        )
        changed += made or _update(period, {"name": item["name"], "name_en": item["name_en"]})
    for order, item in enumerate(data.get("preconditions", []), start=1):
        precondition, made = Precondition.objects.get_or_create(
            key=item["key"],
            defaults={
                "title": item["title"],
                "title_en": item["title_en"],
                "expected_on": item["expected_on"],
                "order": order,
            },
        )
        changed += made or _update(
            precondition, {"title": item["title"], "title_en": item["title_en"]}
        )
    return changed


@transaction.atomic
def load_template(directory):
    """Load every `rollout-template-*.json` in `directory`; return a summary.

    All files are read and checked before anything is written. The newest
    version becomes current only when no version is current yet.
    """
    paths = sorted(Path(directory).glob("rollout-template-*.json"))
    if not paths:
        raise ReferenceDataError(f"no rollout-template-*.json in {directory}.")
    files = [read_template(path) for path in paths]
    versions = [data["version"] for data in files]
    if len(set(versions)) != len(versions):
        raise ReferenceDataError("two template files have the same version.")
    changed = sum(_write_template(data) for data in files)
    # The newest file's programme frame and preconditions.
    changed += _write_programme(max(files, key=lambda data: data["version"]))
    if TemplateVersion.objects.current() is None:
        newest = TemplateVersion.objects.order_by("-version").first()
        newest.is_current = True
        newest.save(update_fields=["is_current"])
        changed += 1
    tasks = sum(len(p["tasks"]) for data in files for p in data["phases"])
    return LoadSummary(len(files), tasks, changed)
