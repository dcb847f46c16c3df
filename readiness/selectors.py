"""Read-only questions other apps ask about readiness (the waves app above all).

Part of the contract with `waves`: `readiness_for_planning()` and the
`MunicipalityReadiness` it returns keep their shape; add fields only with
defaults.
"""

from dataclasses import dataclass

from django.db.models import Count, F, FilteredRelation, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import get_language

from municipalities.models import Municipality

from .models import Answer, Questionnaire, Response, ResponseStatus, ReviewStatus


@dataclass(frozen=True)
class MunicipalityReadiness:
    municipality_code: int
    # Weighted score 0–100 of the latest submitted answers; None when never
    # submitted.
    score: float | None
    # Own wish: 1 = Q2 2014, 2 = Q3 2014, 3 = Q4 2014; None = no preference
    # or not answered.
    wish_wave: int | None
    # "not_started" | "draft" | "submitted" | "revised"
    status: str
    # The version of the weight set the score was computed with.
    weight_set_version: int | None


def readiness_for_planning(questionnaire=None) -> dict[int, MunicipalityReadiness]:
    """One entry for every municipality (all 98), in a fixed number of queries.

    Reads the current questionnaire unless another version is given. A
    municipality without a response is "not_started" with no score or wish.
    Three queries whatever the number of municipalities.
    """
    if questionnaire is None:
        questionnaire = Questionnaire.objects.current()
    responses = {}
    if questionnaire is not None:
        responses = {
            row["municipality_id"]: row
            for row in Response.objects.filter(questionnaire=questionnaire).values(
                "municipality_id", "status", "score", "wish_wave", "weight_set__version"
            )
        }
    result = {}
    for code in Municipality.objects.order_by("code").values_list("code", flat=True):
        row = responses.get(code)
        if row is None:
            result[code] = MunicipalityReadiness(
                code, None, None, ResponseStatus.NOT_STARTED.value, None
            )
            continue
        submitted = row["status"] != ResponseStatus.DRAFT
        result[code] = MunicipalityReadiness(
            municipality_code=code,
            score=row["score"] if submitted else None,
            wish_wave=row["wish_wave"] if submitted else None,
            status=str(row["status"]),
            weight_set_version=row["weight_set__version"] if submitted else None,
        )
    return result


def municipalities_with_readiness(questionnaire, questions=()):
    """Every municipality with its response's state, in one query.

    Annotates `status` ("not_started" when there is no response), `score`,
    `wish_wave`, `review_status`, `updated_at`, `submitted_at`,
    `submission_count` and, for each question given, `answer_<key>`: the
    label of the latest submitted answer, in the current language. The
    overview table and its export read only these, so their query count does
    not grow with the number of municipalities.
    """
    label = "option__label_en" if (get_language() or "da").startswith("en") else "option__label"
    queryset = (
        Municipality.objects.select_related("region")
        .alias(
            response=FilteredRelation(
                "readiness_responses",
                condition=Q(readiness_responses__questionnaire=questionnaire),
            )
        )
        .annotate(
            status=Coalesce(F("response__status"), Value(ResponseStatus.NOT_STARTED.value)),
            score=F("response__score"),
            wish_wave=F("response__wish_wave"),
            review_status=F("response__review_status"),
            updated_at=F("response__updated_at"),
            submitted_at=F("response__submitted_at"),
            submission_count=F("response__submission_count"),
            submitted_revision_id=F("response__submitted_revision_id"),
        )
    )
    answers = {
        f"answer_{question.key}": Subquery(
            Answer.objects.filter(revision_id=OuterRef("submitted_revision_id"), question=question)
            .order_by()
            .values(label)[:1]
        )
        for question in questions
    }
    return queryset.annotate(**answers)


@dataclass(frozen=True)
class StatusCounts:
    """How far the municipalities have come with one questionnaire."""

    # (status, label, count) in the order of ResponseStatus, not started first.
    by_status: list
    awaiting_review: int
    total: int


def status_counts(questionnaire) -> StatusCounts:
    """Counts per status, in two queries plus one count of municipalities."""
    counts = dict(
        Response.objects.filter(questionnaire=questionnaire)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    total = Municipality.objects.count()
    counts[ResponseStatus.NOT_STARTED] = total - sum(counts.values())
    awaiting_review = Response.objects.filter(
        questionnaire=questionnaire, review_status=ReviewStatus.PENDING
    ).count()
    return StatusCounts(
        by_status=[
            (status, label, counts.get(status, 0)) for status, label in ResponseStatus.choices
        ],
        awaiting_review=awaiting_review,
        total=total,
    )
