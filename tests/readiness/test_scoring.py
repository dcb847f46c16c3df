"""The pure scoring rule: hand-computed cases and invariants (no database)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readiness.scoring import OptionSpec, QuestionSpec, compute_score

YES_PLANNED_NO = (
    OptionSpec("yes", "Ja", 10),
    OptionSpec("planned", "Planlagt", 5),
    OptionSpec("no", "Nej", 0),
)
# The shipped 2013 weights: signature and EOJ budget 3, project manager and
# internal resources 2 (shares 20/30/20/30 %).
QUESTIONS_2013 = [
    QuestionSpec("project_manager", "FMK-projektleder", 2, YES_PLANNED_NO),
    QuestionSpec("eoj_budget", "Budget", 3, YES_PLANNED_NO, "et budget til opgradering af EOJ"),
    QuestionSpec("internal_resources", "Interne ressourcer", 2, YES_PLANNED_NO),
    QuestionSpec("signature_central", "Signatur Central", 3, YES_PLANNED_NO),
]


def answers(pm, budget, internal, signature):
    return {
        "project_manager": pm,
        "eoj_budget": budget,
        "internal_resources": internal,
        "signature_central": signature,
    }


@pytest.mark.parametrize(
    ("given_answers", "expected"),
    [
        (answers("yes", "yes", "yes", "yes"), 100.0),
        (answers("no", "no", "no", "no"), 0.0),
        # 20 + 30 * 5/10 + 0 + 30 = 65
        (answers("yes", "planned", "no", "yes"), 65.0),
        # 10 + 0 + 10 + 15 = 35
        (answers("planned", "no", "planned", "planned"), 35.0),
        # An unanswered question gives nothing: 20 + 0 + 20 + 30 = 70
        (answers("yes", None, "yes", "yes"), 70.0),
    ],
)
def test_scores_match_hand_computed_values(given_answers, expected):
    assert compute_score(QUESTIONS_2013, given_answers).total == pytest.approx(expected)


def test_breakdown_shows_points_weight_share_and_contribution():
    score = compute_score(QUESTIONS_2013, answers("yes", "planned", "no", "yes"))
    budget = score.lines[1]
    assert (budget.answer_label, budget.points, budget.max_points) == ("Planlagt", 5, 10)
    assert budget.weight == 3
    assert budget.share == pytest.approx(30)
    assert budget.contribution == pytest.approx(15)
    assert sum(line.contribution for line in score.lines) == pytest.approx(score.total)


def test_improvements_say_what_the_best_answer_would_add_biggest_first():
    score = compute_score(QUESTIONS_2013, answers("planned", "no", "planned", "planned"))
    assert [(i.question_key, round(i.gain, 1)) for i in score.improvements] == [
        ("eoj_budget", 30.0),
        ("signature_central", 15.0),
        ("internal_resources", 10.0),
        ("project_manager", 10.0),
    ]
    assert score.improvements[0].raise_hint == "et budget til opgradering af EOJ"
    assert score.improvements[0].answer_label == "Ja"


def test_full_marks_leave_nothing_to_improve():
    assert compute_score(QUESTIONS_2013, answers("yes", "yes", "yes", "yes")).improvements == ()


def test_answers_to_unscored_questions_are_ignored():
    score = compute_score(QUESTIONS_2013, {**answers("yes", "yes", "no", "no"), "wish": "q2"})
    assert score.total == pytest.approx(50)


def test_weights_that_add_up_to_zero_are_refused():
    with pytest.raises(ValueError, match="add up to zero"):
        compute_score([QuestionSpec("a", "A", 0, YES_PLANNED_NO)], {"a": "yes"})


def test_negative_weights_are_refused():
    with pytest.raises(ValueError, match="negative"):
        compute_score(
            [
                QuestionSpec("a", "A", -1, YES_PLANNED_NO),
                QuestionSpec("b", "B", 2, YES_PLANNED_NO),
            ],
            {},
        )


option_keys = st.sampled_from(["yes", "planned", "no", None, "unknown"])
weights = st.lists(st.integers(min_value=0, max_value=100), min_size=4, max_size=4).filter(sum)


@given(weights=weights, chosen=st.lists(option_keys, min_size=4, max_size=4))
def test_score_is_always_between_0_and_100(weights, chosen):
    questions = [
        QuestionSpec(f"q{i}", f"Q{i}", weight, YES_PLANNED_NO) for i, weight in enumerate(weights)
    ]
    score = compute_score(questions, {f"q{i}": key for i, key in enumerate(chosen)})
    assert 0 <= score.total <= 100
    assert all(0 <= line.contribution <= line.share + 1e-9 for line in score.lines)
    # Taking every improvement reaches full marks.
    assert score.total + sum(i.gain for i in score.improvements) == pytest.approx(100)


@given(
    weights=weights,
    chosen=st.lists(option_keys, min_size=4, max_size=4),
    position=st.integers(min_value=0, max_value=3),
)
def test_a_better_answer_never_lowers_the_score(weights, chosen, position):
    questions = [
        QuestionSpec(f"q{i}", f"Q{i}", weight, YES_PLANNED_NO) for i, weight in enumerate(weights)
    ]
    before = {f"q{i}": key for i, key in enumerate(chosen)}
    after = {**before, f"q{position}": "yes"}
    assert compute_score(questions, after).total >= compute_score(questions, before).total - 1e-9
