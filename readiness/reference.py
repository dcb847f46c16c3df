"""Load the shipped questionnaires (`fixtures/questionnaire-*.json`).

Each file is one questionnaire version with its questions, answer options
and first weights. Loading is idempotent and careful with what coordinators
own: a version that does not exist is created (with weight set 1); one that
exists but has no answers yet gets the file's texts and points; an answered
(frozen) version must match the file's questions and points or the load is
refused, because changed points need a new version. The deadline, the
current version and later weight sets are the coordinators' and are never
overwritten.
"""

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from municipalities.reference import ReferenceDataError

from .models import AnswerOption, Question, Questionnaire, Weight, WeightSet

QUESTION_TEXT_FIELDS = [
    "text",
    "text_en",
    "short_label",
    "short_label_en",
    "help_text",
    "help_text_en",
    "raise_hint",
    "raise_hint_en",
]
OPTION_FIELDS = ["label", "label_en", "points", "asks_for_date", "wish_wave"]


@dataclass
class LoadSummary:
    questionnaires: int
    questions: int
    changed: int

    def __str__(self):
        return (
            f"{self.questionnaires} questionnaire version(s), {self.questions} questions "
            f"({self.changed} rows changed)"
        )


def _require(mapping, keys, where):
    for key in keys:
        value = mapping.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ReferenceDataError(f"{where}: '{key}' is missing or empty.")


def read_questionnaire(path):
    """Read and check one file; return its data with defaults filled in."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ReferenceDataError(f"{Path(path).name} is not valid JSON: {error}") from error
    name = Path(path).name
    _require(data, ["version", "title", "title_en", "deadline", "questions"], name)
    try:
        data["deadline"] = datetime.date.fromisoformat(data["deadline"])
    except ValueError as error:
        raise ReferenceDataError(f"{name}: deadline must be YYYY-MM-DD.") from error
    keys = set()
    scored = 0
    for number, question in enumerate(data["questions"], start=1):
        where = f"{name}, question {number}"
        _require(question, ["key", "signal", "text", "text_en", "short_label", "options"], where)
        if question["key"] in keys:
            raise ReferenceDataError(f"{where}: key '{question['key']}' is used twice.")
        keys.add(question["key"])
        if question["signal"] not in Question.PlanningSignal.values:
            raise ReferenceDataError(f"{where}: unknown signal '{question['signal']}'.")
        if len(question["options"]) < 2:
            raise ReferenceDataError(f"{where}: a question needs at least two options.")
        option_keys = set()
        for option in question["options"]:
            _require(option, ["key", "label", "label_en"], where)
            if option["key"] in option_keys:
                raise ReferenceDataError(f"{where}: option '{option['key']}' is used twice.")
            option_keys.add(option["key"])
            option.setdefault("points", 0)
            option.setdefault("asks_for_date", False)
            option.setdefault("wish_wave", None)
            if option["wish_wave"] not in (None, 1, 2, 3):
                raise ReferenceDataError(f"{where}: wish_wave must be 1, 2 or 3.")
        if question["signal"] == Question.PlanningSignal.READINESS:
            scored += 1
            if not isinstance(question.get("weight"), int) or question["weight"] < 0:
                raise ReferenceDataError(f"{where}: a scored question needs a weight (0 or more).")
            if max(option["points"] for option in question["options"]) <= 0:
                raise ReferenceDataError(f"{where}: no option gives any points.")
        elif any(option["points"] for option in question["options"]):
            raise ReferenceDataError(f"{where}: the wish question gives no points.")
        for field in QUESTION_TEXT_FIELDS:
            question.setdefault(field, "")
    if not scored:
        raise ReferenceDataError(f"{name}: there is no scored question.")
    if not sum(q.get("weight", 0) for q in data["questions"]):
        raise ReferenceDataError(f"{name}: the weights add up to zero.")
    return data


def _check_frozen_matches(questionnaire, data):
    stored = {
        (q.key, o.key): o.points
        for q in questionnaire.questions.prefetch_related("options")
        for o in q.options.all()
    }
    shipped = {(q["key"], o["key"]): o["points"] for q in data["questions"] for o in q["options"]}
    if stored != shipped:
        raise ReferenceDataError(
            f"questionnaire version {data['version']} has answers, and its questions or "
            "points differ from the file: ship the change as a new version."
        )


def _update(instance, values):
    changed = [field for field, value in values.items() if getattr(instance, field) != value]
    for field in changed:
        setattr(instance, field, values[field])
    if changed:
        instance.save(update_fields=changed)
    return bool(changed)


def _write(data):
    changed = 0
    questionnaire, created = Questionnaire.objects.get_or_create(
        version=data["version"],
        defaults={
            "title": data["title"],
            "title_en": data["title_en"],
            "introduction": data.get("introduction", ""),
            "introduction_en": data.get("introduction_en", ""),
            "deadline": data["deadline"],
        },
    )
    changed += created
    if not created and questionnaire.is_frozen:
        _check_frozen_matches(questionnaire, data)
        return changed
    if not created:
        changed += _update(
            questionnaire,
            {
                "title": data["title"],
                "title_en": data["title_en"],
                "introduction": data.get("introduction", ""),
                "introduction_en": data.get("introduction_en", ""),
            },
        )
    questions = {}
    for order, item in enumerate(data["questions"], start=1):
        values = {field: item[field] for field in QUESTION_TEXT_FIELDS}
        values.update(order=order, signal=item["signal"])
        question, made = Question.objects.get_or_create(
            questionnaire=questionnaire, key=item["key"], defaults=values
        )
        changed += made or _update(question, values)
        questions[item["key"]] = question
        for option_order, option_item in enumerate(item["options"], start=1):
            option_values = {field: option_item[field] for field in OPTION_FIELDS}
            option_values["order"] = option_order
            option, made = AnswerOption.objects.get_or_create(
                question=question, key=option_item["key"], defaults=option_values
            )
            changed += made or _update(option, option_values)
        stale = question.options.exclude(key__in=[o["key"] for o in item["options"]])
        changed += stale.delete()[0]
    stale_questions = questionnaire.questions.exclude(key__in=list(questions))
    for question in stale_questions:
        question.delete()
        changed += 1
    if not questionnaire.weight_sets.exists():
        weight_set = WeightSet.objects.create(
            questionnaire=questionnaire,
            version=1,
            note="Vægte fra bølgeplanens udkast af 2. december 2013",
        )
        Weight.objects.bulk_create(
            Weight(weight_set=weight_set, question=questions[item["key"]], value=item["weight"])
            for item in data["questions"]
            if item["signal"] == Question.PlanningSignal.READINESS
        )
        changed += 1
    return changed


@transaction.atomic
def load_questionnaires(directory):
    """Load every `questionnaire-*.json` in `directory`; return a summary.

    All files are read and checked before anything is written. The newest
    version becomes current only when no version is current yet.
    """
    paths = sorted(Path(directory).glob("questionnaire-*.json"))
    if not paths:
        raise ReferenceDataError(f"no questionnaire-*.json in {directory}.")
    files = [read_questionnaire(path) for path in paths]
    versions = [data["version"] for data in files]
    if len(set(versions)) != len(versions):
        raise ReferenceDataError("two questionnaire files have the same version.")
    changed = sum(_write(data) for data in files)
    if Questionnaire.objects.current() is None:
        newest = Questionnaire.objects.order_by("-version").first()
        newest.is_current = True
        newest.save(update_fields=["is_current"])
        changed += 1
    questions = sum(len(data["questions"]) for data in files)
    return LoadSummary(len(files), questions, changed)
