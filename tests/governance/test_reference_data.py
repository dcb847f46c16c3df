"""The shipped parties and fora reproduce the source page fmk-governance.txt.

The source's lists are quoted below (without the people the page names:
no personal contact data is shipped). When the seed itself is at hand,
`test_quoted_lists_are_the_sources_own` checks the quotes against it.
"""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from governance.models import Forum, Party, SupportContact
from governance.reference import load_governance_data
from municipalities.reference import ReferenceDataError

pytestmark = pytest.mark.django_db

SEED = Path(settings.BASE_DIR).parent / "shared" / "seeds" / "fmk-governance.txt"
FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "governance.json"

SOURCE_PARTIES = [
    "Regionerne repræsenteret gennem Danske Regioner og regionale repræsentanter",
    "Kommunerne repræsenteret gennem KL",
    "Praktiserende læger repræsenteret gennem PLO",
    "MedCom",
    "Apotekerne repræsenteret gennem Apotekerforeningen",
    "Sundhed.dk",
    "Sundhedsdatastyrelsen",
    "Sundhedsministeriet",
]

# The source's bullets under "Mere om FMK Governance": (name, mandate).
# The first two name the forum inside their sentence.
SOURCE_FORA = [
    (
        "Den nationale bestyrelse for national sundheds-it",
        "fastlægger de strategiske, organisatoriske og økonomiske rammer for "
        "systemforvaltninger af FMK.",
    ),
    (
        "Styregruppen for fællesoffentlig systemfortaltning af sundheds-it (FSI)",
        "er porteføljestyregruppe for en række tværsektorielle løsninger, heriblandt FMK.",
    ),
    ("FMK National koordinationsgruppe", "FMK National koordinationsgruppe repræsenterer"),
    ("FMK Kliniske Brugergrupper", "Gruppen varetager opsamling, kvalificering"),
    ("FMK National teknikergruppe", "FMK National teknikergruppe er en teknikergruppe"),
    ("FMK CAB (advisory board)", "FMK CAB er teknisk arkitekturforum"),
    ("FMK National driftsgruppe", "Gruppen varetager opsamling, kvalificering"),
    ("FMK Programgruppen", "FMK programgruppe har ansvaret"),
]
# One spelling mistake in the source is corrected in the shipped name.
SOURCE_CORRECTIONS = {"systemfortaltning": "systemforvaltning"}

# Who reports to whom, as the source describes it: the board sets the frame,
# FSI is the portfolio steering group, the coordination group "sætter
# retning- og godkender for de underliggende fora", and the programme group
# escalates to "programstyregruppen".
EXPECTED_REPORTS_TO = {
    "Den nationale bestyrelse for national sundheds-it": None,
    "Styregruppen for fællesoffentlig systemforvaltning af sundheds-it (FSI)": (
        "Den nationale bestyrelse for national sundheds-it"
    ),
    "FMK National koordinationsgruppe": (
        "Styregruppen for fællesoffentlig systemforvaltning af sundheds-it (FSI)"
    ),
    "FMK Kliniske Brugergrupper": "FMK National koordinationsgruppe",
    "FMK National teknikergruppe": "FMK National koordinationsgruppe",
    "FMK CAB (advisory board)": "FMK National koordinationsgruppe",
    "FMK National driftsgruppe": "FMK National koordinationsgruppe",
    "FMK Programgruppen": "FMK Programstyregruppen",
    "FMK Programstyregruppen": None,
}

EXPECTED_KINDS = {
    "Den nationale bestyrelse for national sundheds-it": Forum.Kind.BOARD,
    "Styregruppen for fællesoffentlig systemforvaltning af sundheds-it (FSI)": (
        Forum.Kind.STEERING_GROUP
    ),
    "FMK National koordinationsgruppe": Forum.Kind.COORDINATION_GROUP,
    "FMK Kliniske Brugergrupper": Forum.Kind.USER_GROUP,
    "FMK National teknikergruppe": Forum.Kind.TECHNICAL_GROUP,
    "FMK CAB (advisory board)": Forum.Kind.ADVISORY_BOARD,
    "FMK National driftsgruppe": Forum.Kind.OPERATIONS_GROUP,
    "FMK Programgruppen": Forum.Kind.PROGRAMME_GROUP,
    "FMK Programstyregruppen": Forum.Kind.STEERING_GROUP,
}


def normalise(text):
    text = re.sub(r"\s+", " ", text).strip()
    for wrong, right in SOURCE_CORRECTIONS.items():
        text = text.replace(wrong, right)
    return text


def corrected(name):
    return normalise(name)


@pytest.mark.skipif(not SEED.exists(), reason="the seed is not beside the project")
def test_quoted_lists_are_the_sources_own():
    source = re.sub(r"\s+", " ", SEED.read_text(encoding="utf-8"))
    for line in SOURCE_PARTIES:
        assert f"• {line} " in source
    for name, mandate_start in SOURCE_FORA:
        assert f"• {name}" in source
        assert mandate_start in source


def test_the_eight_parties_in_the_sources_order():
    assert list(Party.objects.values_list("description_da", flat=True)) == SOURCE_PARTIES
    assert list(Party.objects.values_list("name_da", flat=True)) == [
        "Danske Regioner",
        "KL",
        "PLO",
        "MedCom",
        "Apotekerforeningen",
        "Sundhed.dk",
        "Sundhedsdatastyrelsen",
        "Sundhedsministeriet",
    ]
    assert all(Party.objects.values_list("name_en", "description_en"))


def test_every_forum_of_the_source_is_shipped_with_its_mandate_in_its_own_words():
    source = normalise(SEED.read_text(encoding="utf-8")) if SEED.exists() else None
    for name, mandate_start in SOURCE_FORA:
        forum = Forum.objects.get(name_da=corrected(name))
        assert normalise(mandate_start) in forum.mandate_da
        assert forum.mandate_en and forum.name_en and forum.short_name_en
        if source is not None:
            assert forum.mandate_da in source, forum.name_da


def test_the_escalation_target_the_source_names_is_a_forum():
    programme_group = Forum.objects.get(name_da="FMK Programgruppen")
    assert programme_group.escalates_to.name_da == "FMK Programstyregruppen"
    assert "programstyregruppen" in programme_group.mandate_da


def test_the_hierarchy_and_kinds_follow_the_source():
    fora = Forum.objects.select_related("reports_to")
    assert {f.name_da: f.reports_to and f.reports_to.name_da for f in fora} == (
        EXPECTED_REPORTS_TO
    )
    assert {f.name_da: f.kind for f in fora} == EXPECTED_KINDS
    coordination = Forum.objects.get(kind=Forum.Kind.COORDINATION_GROUP)
    assert [f.name_da for f in coordination.coordinates_with.all()] == ["FMK Programgruppen"]


def test_every_party_is_in_every_forum_as_the_source_says():
    for forum in Forum.objects.prefetch_related("parties"):
        assert forum.parties.count() == 8, forum


def test_the_support_contact_is_the_service_desk_and_no_person():
    contact = SupportContact.objects.get()
    assert (contact.email, contact.phone, contact.hours_da) == (
        "servicedesk@sundhedsdata.dk",
        "3268 3900",
        "Hverdage kl. 9–15",
    )
    shipped = FIXTURE.read_text(encoding="utf-8")
    for personal in ["aags@", "lskt@", "Åse", "Knutsson", "3268 9102", "3268 9190"]:
        assert personal not in shipped


def test_loading_twice_changes_nothing():
    summary = load_governance_data()
    assert summary.changed == 0
    assert str(summary) == "8 parties, 9 fora, 1 support contact(s) (0 rows changed)"


def test_an_edited_mandate_is_restored_by_the_loader():
    Forum.objects.filter(slug="cab").update(mandate_da="Noget andet")
    assert load_governance_data().changed == 1
    assert Forum.objects.get(slug="cab").mandate_da.startswith("FMK CAB er teknisk")


def write_broken(tmp_path, change):
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    change(data)
    (tmp_path / "governance.json").write_text(json.dumps(data), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["parties"].pop(), "has 7 parties"),
        (lambda d: d["fora"][2].update(mandate_da=" "), "forum no. 3 lacks mandate_da"),
        (lambda d: d["fora"][1].update(kind="committee"), "unknown kind"),
        (lambda d: d["fora"][3].update(reports_to="nowhere"), "unknown forum 'nowhere'"),
        (lambda d: d["fora"][0].update(reports_to="cab"), "circle"),
        (lambda d: d["fora"][4].update(parties=["kl", "unknown"]), "known party keys"),
        (lambda d: d.pop("support_contacts"), "support contact is missing"),
    ],
)
def test_an_incomplete_file_is_refused_before_anything_is_written(tmp_path, change, message):
    Forum.objects.filter(slug="cab").update(mandate_da="Ændret")
    with pytest.raises(ReferenceDataError, match=re.escape(message)):
        load_governance_data(write_broken(tmp_path, change))
    assert Forum.objects.get(slug="cab").mandate_da == "Ændret"


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(ReferenceDataError, match="governance.json is missing"):
        load_governance_data(tmp_path)
