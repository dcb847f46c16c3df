"""Demo answers for all 98 municipalities (seed_demo only, never in production).

Deterministic: each municipality's answers come from a random generator
seeded with its code, so every run gives the same data; a municipality that
already has a response is left alone, so a second run changes nothing.
Every response made here has `is_demo` set, shown as "DEMO" in the admin.

The mix is meant to make a wave plan worth looking at: most municipalities
have submitted, some are drafts, a few have not started; readiness and own
wishes lean towards the wave of the 2 December 2013 draft plan, with enough
exceptions (a ready municipality wishing to wait, an unready one wishing to
start) for the planner to weigh.

The rows are written directly, not through `services.save_answers`: a demo
seed must not send ~80 "answers changed" signals to the wave planning,
which computes its plan after this seeder anyway.
"""

import datetime
import random
import zoneinfo

from django.contrib.auth import get_user_model
from django.db import transaction

from municipalities.models import Membership, Municipality

from . import services
from .models import (
    Answer,
    Questionnaire,
    Response,
    ResponseStatus,
    ReviewStatus,
    Revision,
)

TZ = zoneinfo.ZoneInfo("Europe/Copenhagen")

# The waves of the draft plan of 2 December 2013 (seeds/fmk-wave-plan),
# used only to make the demo answers lean the way the real ones did.
DRAFT_WAVE_1 = {
    "Assens", "Brønderslev", "Favrskov", "Faxe", "Frederikshavn", "Faaborg-Midtfyn",
    "Hedensted", "Ikast-Brande", "Kalundborg", "Lejre", "Lolland", "Læsø", "Mariagerfjord",
    "Morsø", "Norddjurs", "Odder", "Odense", "Odsherred", "Rebild", "Ringkøbing-Skjern",
    "Ringsted", "Solrød", "Sorø", "Stevns", "Syddjurs", "Thisted", "Vesthimmerlands",
    "Aalborg",
}  # fmt: skip
DRAFT_WAVE_2 = {
    "Albertslund", "Allerød", "Billund", "Bornholm", "Brøndby", "Fanø", "Fredericia",
    "Glostrup", "Greve", "Gribskov", "Guldborgsund", "Halsnæs", "Helsingør", "Herning",
    "Hjørring", "Holstebro", "Ishøj", "Kerteminde", "København", "Langeland", "Lemvig",
    "Nordfyns", "Nyborg", "Roskilde", "Silkeborg", "Skanderborg", "Skive", "Slagelse",
    "Struer", "Tønder", "Vallensbæk", "Viborg", "Vordingborg", "Ærø", "Aarhus",
}  # fmt: skip

# The demo project managers' municipalities get a state worth trying out.
FIXED = {
    461: "not_started",  # Odense: pl-461 can fill in the questionnaire from scratch
    492: "not_started",  # Ærø
    825: "draft",  # Læsø
    482: "draft",  # Langeland
    101: "accepted",  # København
    751: "clarification",  # Aarhus
    851: "revised",  # Aalborg
}

COMMENTS = {
    "project_manager": [
        "Projektlederen er ansat i Sundhed og Omsorg og har FMK som hovedopgave.",
        "Stillingen er slået op; forventet tiltrædelse 1. februar.",
        "Opgaven deles mellem to medarbejdere i sygeplejen.",
    ],
    "eoj_budget": [
        "Budgettet er godkendt i byrådet i november.",
        "Afventer tilbud fra EOJ-leverandøren på FMK-versionen.",
        "Indgår i budgetforhandlingerne for 2014.",
    ],
    "internal_resources": [
        "Superbrugere i hjemmeplejen uddannes i foråret.",
        "Klargøring af medicinkort planlægges sammen med lægerne i kommunalt lægeligt udvalg.",
        "Ressourcerne er afsat, men uddannelsesplanen mangler.",
    ],
    "signature_central": [
        "Signatur Central er i drift og bruges allerede til andre løsninger.",
        "Udbuddet af en central signaturløsning afsluttes i januar.",
        "Vi afventer en fælles løsning sammen med nabokommunerne.",
    ],
}

DEADLINE_DAY = datetime.date(2013, 11, 29)


def _profile(municipality, rng):
    """(readiness 0..1, wished wave or None) for one municipality."""
    if municipality.short_name in DRAFT_WAVE_1:
        wave, readiness = 1, rng.uniform(0.55, 0.95)
    elif municipality.short_name in DRAFT_WAVE_2:
        wave, readiness = 2, rng.uniform(0.4, 0.85)
    else:
        wave, readiness = 3, rng.uniform(0.1, 0.65)
    roll = rng.random()
    if roll < 0.6:
        wish = wave
    elif roll < 0.75:
        wish = None
    else:
        wish = rng.choice([w for w in (1, 2, 3) if w != wave])
    return readiness, wish


def _choose(question, readiness, rng):
    keys = {option.key: option for option in question.options.all()}
    roll = rng.random()
    if roll < readiness:
        return keys["yes"]
    if roll < readiness + (1 - readiness) * 0.6:
        return keys["planned"]
    return keys["no"]


def _answers(questions, readiness, wish, rng, complete=True):
    answers = {}
    for question in questions:
        if not complete and rng.random() < 0.4:
            continue
        if question.is_scored:
            option = _choose(question, readiness, rng)
        else:
            option = next(
                (o for o in question.options.all() if o.wish_wave == wish),
                next(o for o in question.options.all() if o.wish_wave is None),
            )
        expected = None
        if option.asks_for_date:
            expected = datetime.date(2014, rng.randint(1, 6), 1)
        comment = ""
        if question.key in COMMENTS and rng.random() < 0.25:
            comment = rng.choice(COMMENTS[question.key])
        answers[question.pk] = services.AnswerData(option.pk, expected, comment)
    return answers


def _moment(rng, days_before_deadline):
    day = DEADLINE_DAY - datetime.timedelta(days=days_before_deadline)
    return datetime.datetime.combine(
        day, datetime.time(rng.randint(8, 15), rng.randint(0, 59)), tzinfo=TZ
    )


def _state(code, rng):
    if code in FIXED:
        return FIXED[code]
    roll = rng.random()
    if roll < 0.06:
        return "not_started"
    if roll < 0.20:
        return "draft"
    if roll < 0.38:
        return "revised"
    if roll < 0.70:
        return "accepted"
    if roll < 0.76:
        return "clarification"
    return "submitted"


@transaction.atomic
def seed():
    questionnaire = Questionnaire.objects.current()
    if questionnaire is None:
        return "no current questionnaire: run load_reference first"
    questions = list(questionnaire.questions.prefetch_related("options"))
    weight_set = questionnaire.active_weight_set()
    weights = services.weights_of(weight_set)
    coordinator = get_user_model().objects.filter(username="koordinator").first()
    managers = {
        m.municipality_id: m.user
        for m in Membership.objects.select_related("user").order_by("-user__username")
    }
    answered = set(
        Response.objects.filter(questionnaire=questionnaire).values_list(
            "municipality_id", flat=True
        )
    )
    created = 0
    for municipality in Municipality.objects.order_by("code"):
        if municipality.code in answered:
            continue
        rng = random.Random(f"fmk-demo-{municipality.code}")
        state = _state(municipality.code, rng)
        if state == "not_started":
            continue
        readiness, wish = _profile(municipality, rng)
        author = managers.get(municipality.code)
        response = Response.objects.create(
            municipality=municipality, questionnaire=questionnaire, is_demo=True
        )
        saves = []
        if state == "draft":
            saves.append(("draft", _answers(questions, readiness, wish, rng, complete=False)))
        else:
            first = _answers(questions, readiness, wish, rng)
            saves.append(("submission", first))
            if state == "revised":
                better = _answers(questions, min(1.0, readiness + 0.2), wish, rng)
                saves.append(("submission", better))
        days_before = rng.randint(2, 20)
        for number, (kind, answers) in enumerate(saves, start=1):
            revision = Revision.objects.create(
                response=response,
                number=number,
                kind=kind,
                created_at=_moment(rng, days_before - 5 * (number - 1)),
                created_by=author,
            )
            Answer.objects.bulk_create(
                Answer(
                    revision=revision,
                    question_id=question_id,
                    option_id=answer.option_id,
                    expected_date=answer.expected_date,
                    comment=answer.comment,
                )
                for question_id, answer in answers.items()
            )
            response.revision = number
            response.current_revision = revision
            response.updated_at = revision.created_at
            if kind == "submission":
                response.submitted_revision = revision
                response.submission_count = number
                response.first_submitted_at = response.first_submitted_at or revision.created_at
                response.submitted_at = revision.created_at
                services.apply_score(
                    response, questions, answers, weight_set, weights, revision.created_at
                )
        if response.submitted_revision_id:
            response.status = (
                ResponseStatus.REVISED
                if response.submission_count > 1
                else ResponseStatus.SUBMITTED
            )
            response.review_status = ReviewStatus.PENDING
            if state in ("accepted", "clarification"):
                response.review_status = (
                    ReviewStatus.ACCEPTED if state == "accepted" else ReviewStatus.CLARIFICATION
                )
                response.reviewed_by = coordinator
                response.reviewed_at = response.submitted_at + datetime.timedelta(days=3)
                if state == "clarification":
                    response.review_comment = (
                        "Hvornår forventer I, at budgettet til EOJ-opgraderingen er "
                        "vedtaget? Skriv gerne datoen i svaret."
                    )
        response._change_reason = "Demodata (seed_demo)"
        response.save()
        created += 1
    return f"{created} demo responses ({len(answered)} municipalities already had one)"
