"""The weighted readiness score: answers and weights in, score and reasons out.

Pure Python, no Django, no clock: every rule is testable in milliseconds and
every score explainable line by line.

The rule, written so that a project manager can check it by hand:

- each scored question has a weight; its share of the score is its weight
  divided by the sum of all weights (weights 3, 3, 2, 2 give shares of
  30 %, 30 %, 20 % and 20 %);
- each answer option has points; the best option of a question gives its
  full share, other options the same fraction of it as of the points
  ("being established" with 5 of 10 points gives half the share);
- an unanswered question gives nothing;
- the score is the sum of the contributions, between 0 and 100.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class OptionSpec:
    key: str
    label: str
    points: int


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    label: str
    weight: float
    options: tuple[OptionSpec, ...]
    # Completes "… would add N points", e.g. "a budget for the EOJ upgrade".
    raise_hint: str = ""

    @property
    def max_points(self) -> int:
        return max((option.points for option in self.options), default=0)

    def option(self, key: str | None) -> OptionSpec | None:
        return next((option for option in self.options if option.key == key), None)


@dataclass(frozen=True)
class ScoreLine:
    """One question's part of the score."""

    question_key: str
    question_label: str
    answer_key: str | None
    answer_label: str | None
    points: int
    max_points: int
    weight: float
    # The question's share of 100, from its weight.
    share: float
    # What the answer contributes to the score (0 … share).
    contribution: float


@dataclass(frozen=True)
class Improvement:
    """A better answer to one question and what it would add to the score."""

    question_key: str
    question_label: str
    answer_key: str
    answer_label: str
    raise_hint: str
    gain: float


@dataclass(frozen=True)
class Score:
    total: float
    lines: tuple[ScoreLine, ...]
    # Best first: the biggest gain at the top.
    improvements: tuple[Improvement, ...]

    @property
    def rounded(self) -> float:
        return round(self.total, 1)


def compute_score(questions: Sequence[QuestionSpec], answers: Mapping[str, str | None]) -> Score:
    """The weighted score of `answers` (question key -> option key or None).

    Answers to questions not in `questions` (an unscored wish, say) are
    ignored. Raises ValueError if there is nothing to weigh: no question,
    negative weights, or weights that add up to zero.
    """
    total_weight = sum(question.weight for question in questions)
    if any(question.weight < 0 for question in questions):
        raise ValueError("Weights cannot be negative.")
    if total_weight <= 0:
        raise ValueError("The weights add up to zero: there is nothing to score.")

    lines = []
    improvements = []
    for question in questions:
        share = 100 * question.weight / total_weight
        max_points = question.max_points
        chosen = question.option(answers.get(question.key))
        points = chosen.points if chosen else 0
        contribution = share * points / max_points if max_points else 0.0
        lines.append(
            ScoreLine(
                question_key=question.key,
                question_label=question.label,
                answer_key=chosen.key if chosen else None,
                answer_label=chosen.label if chosen else None,
                points=points,
                max_points=max_points,
                weight=question.weight,
                share=share,
                contribution=contribution,
            )
        )
        best = max(question.options, key=lambda option: option.points, default=None)
        if best is not None and max_points and points < max_points and share > 0:
            improvements.append(
                Improvement(
                    question_key=question.key,
                    question_label=question.label,
                    answer_key=best.key,
                    answer_label=best.label,
                    raise_hint=question.raise_hint,
                    gain=share - contribution,
                )
            )
    total = min(100.0, max(0.0, sum(line.contribution for line in lines)))
    improvements.sort(key=lambda item: (-item.gain, item.question_key))
    return Score(total=total, lines=tuple(lines), improvements=tuple(improvements))
