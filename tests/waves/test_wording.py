"""The project managers' reasons for a wave, in words (planning.wording)."""

from types import SimpleNamespace

from waves.planning import explain_for_project_managers


def assignment(**changes):
    values = {
        "municipality": SimpleNamespace(short_name="Odense", region="Region Syddanmark"),
        "wave": SimpleNamespace(number=2),
        "explanation": {"neighbours_same": [410], "neighbours_other": [420, 430]},
        "moved_by_hand": False,
        "is_pinned": False,
        "pin_reason": "",
        "earliest_wave": None,
        "vendor_name": "Demoleverandør B",
        "wish_wave": 2,
        "readiness_score": 85.0,
        "gp_adoption": 46.0,
        "hospital_adoption": None,
    }
    return SimpleNamespace(**{**values, **changes})


NAMES = {410: "Middelfart", 420: "Assens", 430: "Kerteminde"}


def reasons(**changes):
    return explain_for_project_managers(assignment(**changes), names=NAMES)


def test_the_headline_says_the_wave():
    assert reasons().headline == "Odense er i bølge 2, fordi:"


def test_wish_readiness_neighbours_and_adoption_in_words():
    assert reasons().reasons == [
        "Kommunens EOJ-leverandør, Demoleverandør B, kan understøtte FMK fra første bølge.",
        "Kommunen ønskede selv bølge 2.",
        "Kommunens parathed er høj (85 af 100 point); de mest parate kommuner starter først.",
        "Nabokommunen Middelfart er i samme bølge, så I kan følges ad.",
        "Nabokommunerne Assens og Kerteminde er i andre bølger.",
        "46 % af de praktiserende læger i kommunen bruger FMK. Jo flere læger og sygehuse "
        "der allerede bruger FMK, jo tidligere kan en kommune starte.",
    ]


def test_a_pin_and_the_vendors_earliest_wave_come_first():
    said = reasons(is_pinned=True, pin_reason="Aftalt med KL", earliest_wave=2).reasons
    assert said[:2] == [
        "KL og MedCom har placeret kommunen i denne bølge: Aftalt med KL",
        "Kommunens EOJ-leverandør, Demoleverandør B, kan tidligst understøtte FMK fra bølge 2.",
    ]


def test_a_wish_before_the_vendors_earliest_wave_says_why_it_was_not_met():
    said = reasons(wish_wave=1, earliest_wave=2).reasons
    assert (
        "Kommunen ønskede bølge 1, men EOJ-leverandøren kan ikke understøtte den så tidligt."
        in said
    )


def test_no_answers_no_wish_and_no_figures():
    said = reasons(
        readiness_score=None,
        wish_wave=None,
        gp_adoption=None,
        vendor_name="",
        explanation={},
    ).reasons
    assert said == [
        "Kommunen har ikke ønsket en bestemt bølge i spørgeskemaet.",
        "Da planen blev lavet, havde kommunen ikke indsendt spørgeskemaet om parathed, så "
        "parathed trak den ikke frem.",
    ]


def test_no_solver_terms_or_points_per_criterion():
    text = " ".join(reasons(wish_wave=3, readiness_score=20.0).reasons)
    for jargon in ("løser", "optimal", "målfunktion", "kriteri"):
        assert jargon not in text.lower()
