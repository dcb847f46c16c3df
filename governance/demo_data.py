"""Demo governance data for trying the portal (seed_demo only).

Fictional people, their seats in the shipped fora, meetings around today
and wishes at every stage of the flow, so the overview, forum pages and
roadmap are alive. Everything a coordinator could take for real is marked
"(demo)": people's names, meeting places and wish titles; e-mail addresses
end in .invalid. Wishes move through `services`, exactly as real ones do.

Deterministic for a given day and idempotent: a second run replaces the
demo rows it made before and leaves everything else alone.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from . import services
from .models import Decision, Forum, ForumMembership, Meeting, Party, Person, Wish
from .wish_flow import Quarter

DEMO = "(demo)"
SINCE = datetime.date(2024, 1, 1)

# (name, title, organisation, party)
PEOPLE = [
    ("Birgitte Holm", "Kontorchef", "KL", "kl"),
    ("Anders Mikkelsen", "Specialkonsulent", "Danske Regioner", "regions"),
    ("Mette Kjær", "Praktiserende læge", "PLO", "plo"),
    ("Jonas Brandt", "Implementeringskonsulent", "MedCom", "medcom"),
    ("Hanne Vestergaard", "Farmaceut", "Apotekerforeningen", "pharmacies"),
    ("Sofie Lund", "Produktejer", "Sundhed.dk", "sundhed-dk"),
    ("Peter Damgaard", "Chefkonsulent", "Sundhedsdatastyrelsen", "sds"),
    ("Karin Winther", "Fuldmægtig", "Sundhedsministeriet", "ministry"),
    ("Rasmus Krogh", "Klinisk sygeplejerske", "Region Midtjylland", "regions"),
    ("Line Bach", "Sygeplejerske", "Odense Kommune", "kl"),
    ("Thomas Friis", "Enterprisearkitekt", "Sundhedsdatastyrelsen", "sds"),
    ("Ida Krag", "IT-arkitekt", "KL", "kl"),
    ("Eva Lindberg", "Driftschef", "Region Hovedstaden", "regions"),
    ("Martin Holt", "Programleder", "Sundhedsdatastyrelsen", "sds"),
    ("Ole Sørensen", "Chefkonsulent", "KL", "kl"),
]

# (person, forum, role, start, end)
MEMBERSHIPS = [
    ("Peter Damgaard", "koordinationsgruppen", "chair", SINCE, None),
    ("Birgitte Holm", "koordinationsgruppen", "member", datetime.date(2025, 3, 1), None),
    ("Ole Sørensen", "koordinationsgruppen", "member", SINCE, datetime.date(2025, 2, 28)),
    ("Anders Mikkelsen", "koordinationsgruppen", "member", SINCE, None),
    ("Mette Kjær", "koordinationsgruppen", "member", SINCE, None),
    ("Jonas Brandt", "koordinationsgruppen", "member", SINCE, None),
    ("Hanne Vestergaard", "koordinationsgruppen", "member", SINCE, None),
    ("Sofie Lund", "koordinationsgruppen", "member", SINCE, None),
    ("Karin Winther", "koordinationsgruppen", "observer", SINCE, None),
    ("Rasmus Krogh", "kliniske-brugergrupper", "chair", SINCE, None),
    ("Line Bach", "kliniske-brugergrupper", "member", SINCE, None),
    ("Mette Kjær", "kliniske-brugergrupper", "member", SINCE, None),
    ("Hanne Vestergaard", "kliniske-brugergrupper", "member", SINCE, None),
    ("Jonas Brandt", "kliniske-brugergrupper", "secretary", SINCE, None),
    ("Thomas Friis", "cab", "chair", SINCE, None),
    ("Ida Krag", "cab", "member", SINCE, None),
    ("Anders Mikkelsen", "cab", "member", SINCE, None),
    ("Ida Krag", "teknikergruppen", "member", SINCE, None),
    ("Thomas Friis", "teknikergruppen", "chair", SINCE, None),
    ("Eva Lindberg", "driftsgruppen", "chair", SINCE, None),
    ("Ida Krag", "driftsgruppen", "member", SINCE, None),
    ("Sofie Lund", "driftsgruppen", "member", SINCE, None),
    ("Martin Holt", "programgruppen", "chair", SINCE, None),
    ("Jonas Brandt", "programgruppen", "member", SINCE, None),
    ("Birgitte Holm", "programgruppen", "member", datetime.date(2025, 3, 1), None),
    ("Peter Damgaard", "programstyregruppen", "secretary", SINCE, None),
    ("Karin Winther", "programstyregruppen", "member", SINCE, None),
]

# (forum, days from today, place)
MEETINGS = [
    ("kliniske-brugergrupper", -120, "MedCom, Forskerparken 10, Odense M"),
    ("driftsgruppen", -110, "Sundhedsdatastyrelsen, København S"),
    ("koordinationsgruppen", -90, "Sundhedsdatastyrelsen, København S"),
    ("cab", -70, "Online (Teams)"),
    ("kliniske-brugergrupper", -60, "MedCom, Forskerparken 10, Odense M"),
    ("driftsgruppen", -50, "Online (Teams)"),
    ("fsi", -40, "Sundhedsministeriet, Holbergsgade 6, København K"),
    ("koordinationsgruppen", -30, "Sundhedsdatastyrelsen, København S"),
    ("programgruppen", -20, "Sundhedsdatastyrelsen, København S"),
    ("programgruppen", 14, "Sundhedsdatastyrelsen, København S"),
    ("koordinationsgruppen", 30, "KL, Weidekampsgade 10, København S"),
    ("programstyregruppen", 40, "Sundhedsministeriet, Holbergsgade 6, København K"),
    ("kliniske-brugergrupper", 45, "MedCom, Forskerparken 10, Odense M"),
    ("cab", 60, "Online (Teams)"),
    ("bestyrelsen", 90, "Sundhedsministeriet, Holbergsgade 6, København K"),
]

AGENDA = (
    "1. Godkendelse af dagsorden\n"
    "2. Opfølgning på handlingsplan\n"
    "3. Ønsker til behandling\n"
    "4. Status på drift og kommende versioner\n"
    "5. Eventuelt"
)
MINUTES = (
    "Dagsordenen blev godkendt. Ønskerne blev behandlet som anført under "
    "beslutninger. Næste møde som planlagt."
)


def _ascii(text):
    return text.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")


def _meeting_time(today, days):
    day = today + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def _remove_previous_demo_rows():
    # In this order: steps protect their decisions, decisions their meetings.
    Wish.objects.filter(title__endswith=DEMO).delete()
    meetings = Meeting.objects.filter(place__endswith=DEMO)
    Decision.objects.filter(meeting__in=meetings).delete()
    meetings.delete()


@transaction.atomic
def seed():
    today = timezone.localdate()
    coordinator = get_user_model().objects.get(username="koordinator")
    fora = {forum.slug: forum for forum in Forum.objects.all()}
    parties = {party.slug: party for party in Party.objects.all()}

    people = {}
    for name, title, organisation, _party in PEOPLE:
        people[name], _ = Person.objects.update_or_create(
            name=f"{name} {DEMO}",
            defaults={
                "title": title,
                "organisation": organisation,
                "email": f"{_ascii(name).lower().replace(' ', '.')}@example.invalid",
                "phone": "0000 0000",
            },
        )
    party_of = {name: parties[party_slug] for name, _t, _o, party_slug in PEOPLE}
    for name, forum_slug, role, start, end in MEMBERSHIPS:
        ForumMembership.objects.update_or_create(
            person=people[name],
            forum=fora[forum_slug],
            start_date=start,
            defaults={"party": party_of[name], "role": role, "end_date": end},
        )

    _remove_previous_demo_rows()
    meetings = {}
    for forum_slug, days, place in MEETINGS:
        meeting = Meeting.objects.create(
            forum=fora[forum_slug],
            starts_at=_meeting_time(today, days),
            ends_at=_meeting_time(today, days) + datetime.timedelta(hours=2),
            place=f"{place} {DEMO}",
            agenda=AGENDA,
            minutes=MINUTES if days < 0 else "",
        )
        meetings[(forum_slug, days)] = meeting

    Decision.objects.create(
        meeting=meetings[("fsi", -40)],
        kind=Decision.Kind.APPROVED,
        subject=f"Økonomisk ramme for FMK-systemforvaltningen næste år {DEMO}",
        text="Styregruppen godkendte rammen som indstillet af koordinationsgruppen.",
    )
    wishes = _seed_wishes(today, coordinator, fora, meetings)
    return (
        f"{len(PEOPLE)} demo people, {len(MEMBERSHIPS)} memberships, "
        f"{len(meetings)} meetings, {wishes} wishes"
    )


def _seed_wishes(today, coordinator, fora, meetings):
    now = Quarter.of(today)
    user_groups = ("kliniske-brugergrupper", -120)
    user_groups_later = ("kliniske-brugergrupper", -60)
    operations = ("driftsgruppen", -110)
    coordination_early = ("koordinationsgruppen", -90)
    coordination = ("koordinationsgruppen", -30)
    cab = ("cab", -70)
    programme = ("programgruppen", -20)
    # (title, origin, technical, description, steps); a step is
    # (transition, meeting key, extra arguments)
    plan = [
        (
            "Samlet visning af dosisdispenserede lægemidler",
            user_groups,
            False,
            "Plejepersonalet skal kunne se dosisdispenserede og øvrige lægemidler samlet, "
            "så afstemningen ved besøg går hurtigere.",
            [
                ("qualify", user_groups, {}),
                ("prioritise", coordination, {"quarter": now.next(), "priority": 1}),
            ],
        ),
        (
            "Advarsel ved dobbeltordination på tværs af sektorer",
            user_groups,
            False,
            "Når samme aktive stof er ordineret af både sygehus og egen læge, skal "
            "medicinkortet gøre opmærksom på det.",
            [
                ("qualify", user_groups, {}),
                ("prioritise", coordination, {"quarter": now.next().next(), "priority": 2}),
            ],
        ),
        (
            "Bedre søgning i medicinkortets historik",
            user_groups_later,
            False,
            "Søgning på lægemiddelnavn og periode i tidligere ordinationer.",
            [],
        ),
        (
            "Fælles login-løsning for plejepersonale i kommunerne",
            operations,
            True,
            "Kommunernes plejepersonale skal kunne logge på FMK med den fælles "
            "brugerstyring uden lokal opsætning pr. omsorgssystem.",
            [
                ("qualify", operations, {}),
                ("send_to_cab", coordination_early, {}),
                ("cab_endorse", cab, {}),
                ("prioritise", coordination, {"quarter": now.next().next().next()}),
            ],
        ),
        (
            "Ny version af webservicen med udvidet afstemningsstatus",
            ("driftsgruppen", -50),
            True,
            "Afstemningsstatus skal kunne hentes pr. ordination, ikke kun pr. medicinkort.",
            [
                ("qualify", ("driftsgruppen", -50), {}),
                ("send_to_cab", coordination, {}),
            ],
        ),
        (
            "Månedlig oppetidsrapport til kommunerne",
            operations,
            False,
            "Kommunerne ønsker oppetiden for FMK opgjort pr. måned i forhold til SLA.",
            [
                ("qualify", operations, {}),
                (
                    "prioritise",
                    coordination_early,
                    {
                        "quarter": Quarter.of(
                            timezone.localdate(meetings[coordination_early].starts_at)
                        )
                    },
                ),
                ("deliver", coordination, {}),
            ],
        ),
        (
            "Mulighed for at skjule seponerede ordinationer",
            user_groups,
            False,
            "Seponerede ordinationer fylder meget i visningen for borgere med lang historik.",
            [
                ("qualify", user_groups, {}),
                ("reject", coordination_early, {}),
            ],
        ),
        (
            "Udskrift af medicinkortet i stor skrift",
            user_groups_later,
            False,
            "Borgere med nedsat syn skal kunne få medicinkortet udskrevet i stor skrift.",
            [
                ("qualify", user_groups_later, {}),
                ("postpone", coordination, {}),
            ],
        ),
        (
            "Afstemning direkte fra kommunernes omsorgsjournaler",
            operations,
            False,
            "Afstemning af medicinkortet skal kunne ske fra EOJ uden at skifte system.",
            [
                ("qualify", operations, {}),
                ("prioritise", coordination_early, {"quarter": now, "priority": 1}),
                ("escalate", programme, {}),
            ],
        ),
        (
            "Besked til borgeren ved ændret medicin",
            user_groups_later,
            False,
            "Borgeren skal have besked, når medicinkortet ændres.",
            [("dismiss", user_groups_later, {})],
        ),
    ]
    reasons = {
        "qualify": "Ønsket er beskrevet, og flere parter står bag. Sendes videre.",
        "send_to_cab": "Ændringen berører snitflader og skal vurderes af CAB.",
        "cab_endorse": "Forslaget følger de nationale arkitekturprincipper.",
        "prioritise": "Høj klinisk værdi i forhold til indsatsen.",
        "deliver": "Leveret med seneste version.",
        "reject": "Løses bedre lokalt i de enkelte systemer.",
        "postpone": "Afventer afklaring af økonomi.",
        "escalate": "Leverancen er forsinket ud over programmets rammer.",
        "dismiss": "Ligger uden for FMK's formål.",
    }
    for title, origin, is_technical, description, steps in plan:
        wish = services.raise_wish(
            title=f"{title} {DEMO}",
            description=description,
            origin_forum=fora[origin[0]],
            meeting=meetings[origin],
            is_technical=is_technical,
            by=coordinator,
        )
        for name, meeting_key, extra in steps:
            services.apply_transition(
                wish=wish,
                name=name,
                meeting=meetings[meeting_key],
                by=coordinator,
                reason=reasons[name],
                **extra,
            )
    return len(plan)
