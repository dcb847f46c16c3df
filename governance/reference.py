"""Load the FMK parties, fora and support contact from fixtures/governance.json.

The file reproduces the source page `fmk-governance.txt` (see its "source"
note). Loading is idempotent: a second run changes nothing. A file that is
incomplete or inconsistent (a missing text, an unknown kind, a forum that
reports to a forum that does not exist, a circle in the hierarchy) is
refused as a whole, before anything is written. Fora and parties are never
deleted here: meetings and memberships point at them.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from municipalities.reference import DEFAULT_DIRECTORY, ReferenceDataError

from .models import Forum, Party, SupportContact

FILE_NAME = "governance.json"
EXPECTED_PARTIES = 8

PARTY_FIELDS = ["slug", "name_da", "name_en", "description_da", "description_en"]
FORUM_FIELDS = [
    "slug",
    "name_da",
    "name_en",
    "short_name_da",
    "short_name_en",
    "kind",
    "track",
    "mandate_da",
    "mandate_en",
]
CONTACT_FIELDS = [
    "slug",
    "name_da",
    "name_en",
    "organisation",
    "hours_da",
    "hours_en",
    "email",
    "phone",
]


@dataclass
class LoadSummary:
    parties: int
    fora: int
    support_contacts: int
    changed: int

    def __str__(self):
        return (
            f"{self.parties} parties, {self.fora} fora, "
            f"{self.support_contacts} support contact(s) ({self.changed} rows changed)"
        )


def _require(rows, fields, what):
    if not isinstance(rows, list) or not rows:
        raise ReferenceDataError(f"{FILE_NAME}: the list of {what} is missing or empty.")
    slugs = set()
    for number, row in enumerate(rows, start=1):
        for field in fields:
            if not str(row.get(field) or "").strip():
                raise ReferenceDataError(f"{FILE_NAME}: {what} no. {number} lacks {field}.")
        if row["slug"] in slugs:
            raise ReferenceDataError(f"{FILE_NAME}: {what} {row['slug']!r} appears twice.")
        slugs.add(row["slug"])
    return slugs


def read_governance_data(directory=DEFAULT_DIRECTORY):
    """Read and check the file; return its parsed content."""
    path = Path(directory) / FILE_NAME
    if not path.exists():
        raise ReferenceDataError(f"{FILE_NAME} is missing from {path.parent}.")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ReferenceDataError(f"{FILE_NAME} is not valid JSON: {error}") from error

    party_slugs = _require(data.get("parties"), PARTY_FIELDS, "party")
    if len(party_slugs) != EXPECTED_PARTIES:
        raise ReferenceDataError(
            f"{FILE_NAME} has {len(party_slugs)} parties; the FMK programme has "
            f"{EXPECTED_PARTIES}."
        )
    fora = data.get("fora")
    forum_slugs = _require(fora, FORUM_FIELDS, "forum")
    _require(data.get("support_contacts"), CONTACT_FIELDS, "support contact")

    for forum in fora:
        slug = forum["slug"]
        if forum["kind"] not in Forum.Kind.values:
            raise ReferenceDataError(f"{FILE_NAME}: forum {slug!r} has unknown kind.")
        if forum["track"] not in Forum.Track.values:
            raise ReferenceDataError(f"{FILE_NAME}: forum {slug!r} has unknown track.")
        links = [forum.get("reports_to"), forum.get("escalates_to")]
        links += forum.get("coordinates_with") or []
        for other in links:
            if other is not None and other not in forum_slugs:
                raise ReferenceDataError(
                    f"{FILE_NAME}: forum {slug!r} refers to unknown forum {other!r}."
                )
            if other == slug:
                raise ReferenceDataError(f"{FILE_NAME}: forum {slug!r} refers to itself.")
        parties = forum.get("parties")
        if parties != "all" and (not isinstance(parties, list) or not set(parties) <= party_slugs):
            raise ReferenceDataError(
                f'{FILE_NAME}: forum {slug!r}: parties must be "all" or known party keys.'
            )

    parents = {f["slug"]: f.get("reports_to") for f in fora}
    for slug in parents:
        seen = {slug}
        parent = parents[slug]
        while parent is not None:
            if parent in seen:
                raise ReferenceDataError(
                    f"{FILE_NAME}: the fora's reporting lines go round in a circle at {slug!r}."
                )
            seen.add(parent)
            parent = parents[parent]
    return data


def _upsert(model, slug, fields):
    """Create or update one row by slug; return (row, whether it changed)."""
    row = model.objects.filter(slug=slug).first()
    if row is None:
        return model.objects.create(slug=slug, **fields), True
    changed = [name for name, value in fields.items() if getattr(row, name) != value]
    if changed:
        for name in changed:
            setattr(row, name, fields[name])
        row.save(update_fields=changed)
    return row, bool(changed)


def _set_m2m(manager, wanted):
    if set(manager.values_list("pk", flat=True)) == {obj.pk for obj in wanted}:
        return False
    manager.set(wanted)
    return True


@transaction.atomic
def load_governance_data(directory=DEFAULT_DIRECTORY):
    """Write the parties, fora and support contacts; return a summary."""
    data = read_governance_data(directory)
    changed = 0

    parties = {}
    for position, row in enumerate(data["parties"], start=1):
        fields = {name: row[name] for name in PARTY_FIELDS if name != "slug"}
        parties[row["slug"]], did_change = _upsert(
            Party, row["slug"], {**fields, "position": position}
        )
        changed += did_change

    fora = {}
    for position, row in enumerate(data["fora"], start=1):
        fields = {name: row[name] for name in FORUM_FIELDS if name != "slug"}
        fora[row["slug"]], did_change = _upsert(
            Forum, row["slug"], {**fields, "position": position}
        )
        changed += did_change
    # Links second: a forum may report to one listed after it.
    for row in data["fora"]:
        forum = fora[row["slug"]]
        links = {
            "reports_to": fora.get(row.get("reports_to")),
            "escalates_to": fora.get(row.get("escalates_to")),
        }
        _, did_change = _upsert(Forum, forum.slug, links)
        changed += did_change
        wanted_parties = (
            list(parties.values())
            if row["parties"] == "all"
            else [parties[s] for s in row["parties"]]
        )
        changed += _set_m2m(forum.parties, wanted_parties)
        changed += _set_m2m(
            forum.coordinates_with, [fora[s] for s in row.get("coordinates_with") or []]
        )

    for row in data["support_contacts"]:
        fields = {name: row[name] for name in CONTACT_FIELDS if name != "slug"}
        changed += _upsert(SupportContact, row["slug"], fields)[1]

    return LoadSummary(len(parties), len(fora), len(data["support_contacts"]), changed)
