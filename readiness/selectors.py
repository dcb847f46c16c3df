"""Read-only questions other apps ask about readiness (the waves app above all).

Part of the contract with `waves`: `readiness_for_planning()` and the
`MunicipalityReadiness` it returns keep their shape; add fields only with
defaults.
"""

from dataclasses import dataclass

from municipalities.models import Municipality

from .models import Questionnaire, Response, ResponseStatus


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
