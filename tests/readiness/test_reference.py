import json
from pathlib import Path

import pytest
from django.conf import settings

from municipalities.reference import ReferenceDataError
from readiness.models import Question, Questionnaire, WeightSet
from readiness.reference import load_questionnaires

pytestmark = pytest.mark.django_db
FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def test_the_2013_questionnaire_is_shipped_with_its_weights(questionnaire):
    assert questionnaire.version == 1
    assert questionnaire.is_current
    keys = list(questionnaire.questions.values_list("key", flat=True))
    assert keys == [
        "project_manager",
        "eoj_budget",
        "internal_resources",
        "signature_central",
        "wish",
    ]
    weights = dict(questionnaire.active_weight_set().weights.values_list("question__key", "value"))
    # Signature solution and EOJ budget weigh most, then project manager and resources.
    assert weights == {
        "signature_central": 3,
        "eoj_budget": 3,
        "project_manager": 2,
        "internal_resources": 2,
    }
    wish = questionnaire.questions.get(key="wish")
    assert wish.signal == Question.PlanningSignal.WISH
    assert list(wish.options.values_list("wish_wave", "points")) == [
        (1, 0),
        (2, 0),
        (3, 0),
        (None, 0),
    ]
    planned = questionnaire.questions.get(key="eoj_budget").options.get(key="planned")
    assert planned.asks_for_date and planned.label_en == "Being established / planned"


def test_loading_twice_changes_nothing(questionnaire):
    assert load_questionnaires(FIXTURES).changed == 0
    assert WeightSet.objects.count() == 1


def test_a_coordinators_deadline_and_weights_survive_a_reload(questionnaire, coordinator):
    from readiness.services import set_weights

    questionnaire.deadline = questionnaire.deadline.replace(year=2014)
    questionnaire.save()
    set_weights(
        questionnaire=questionnaire,
        values={q.pk: 1 for q in questionnaire.questions.all() if q.is_scored},
        by=coordinator,
    )
    load_questionnaires(FIXTURES)
    questionnaire.refresh_from_db()
    assert questionnaire.deadline.year == 2014
    assert questionnaire.active_weight_set().version == 2


def _broken_copy(tmp_path, change):
    data = json.loads((FIXTURES / "questionnaire-2013.json").read_text(encoding="utf-8"))
    change(data)
    (tmp_path / "questionnaire-2013.json").write_text(json.dumps(data), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("deadline"), "deadline"),
        (
            lambda d: d["questions"][0]["options"].pop() and d["questions"][0]["options"].pop(),
            "at least two options",
        ),
        (lambda d: d["questions"][4]["options"][0].update(points=3), "gives no points"),
        (lambda d: d["questions"][1].update(key="project_manager"), "used twice"),
    ],
)
def test_incomplete_files_are_refused_before_anything_is_written(tmp_path, change, message):
    before = list(Questionnaire.objects.values_list("version", "deadline"))
    with pytest.raises(ReferenceDataError, match=message):
        load_questionnaires(_broken_copy(tmp_path, change))
    assert list(Questionnaire.objects.values_list("version", "deadline")) == before


def test_changed_points_of_an_answered_version_are_refused(
    tmp_path, questionnaire, submit, pm_odense
):
    submit(pm_odense.municipality_memberships.get().municipality, pm_odense)

    def change(data):
        data["questions"][1]["options"][1]["points"] = 7

    with pytest.raises(ReferenceDataError, match="new version"):
        load_questionnaires(_broken_copy(tmp_path, change))


def test_load_reference_command_includes_the_questionnaire(tmp_path):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("load_reference", stdout=out)
    assert "readiness: 1 questionnaire version(s), 5 questions (0 rows changed)" in out.getvalue()
