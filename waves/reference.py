"""Load the three waves and the 2 December 2013 draft from `fixtures/`.

`waves.csv` gives the waves (number, name, dates, capacity);
`wave-plan-2013-12-02.csv` lists every municipality of the 2013 draft by
its name in the slides and its code, 28 / 35 / 35. The draft is stored as
a historical plan: comparable with every recomputed plan, never published.
Idempotent; incomplete files are refused before anything is written. A
wave's capacity is set when the wave is created and left alone afterwards:
from then on it is the coordinators' to change in the admin.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from municipalities.models import Municipality, NeighbourPair
from municipalities.reference import DEFAULT_DIRECTORY, ReferenceDataError, read_csv

from .models import Assignment, Wave, WavePlan

DRAFT_2013_NAME = "Udkast til bølgeplan, 2. december 2013"
DRAFT_2013_NAME_EN = "Draft wave plan, 2 December 2013"
DRAFT_2013_SOURCE = (
    "KL/MedCom: Overordnet plan for FMK implementering i kommuner, "
    "“Prioritering i 3 bølger (UDKAST!)”, 02-12-2013"
)


@dataclass
class LoadSummary:
    waves: int
    draft_counts: tuple[int, ...]
    changed: int

    def __str__(self):
        counts = "/".join(str(c) for c in self.draft_counts)
        return f"{self.waves} waves, the 2013 draft plan ({counts}) ({self.changed} rows changed)"


def read_waves_and_draft(directory):
    directory = Path(directory)
    waves = {}
    for number, row in enumerate(
        read_csv(
            directory / "waves.csv",
            ["number", "name", "name_en", "starts_on", "ends_on", "capacity"],
        ),
        start=2,
    ):
        try:
            wave = {
                "number": int(row["number"]),
                "name": row["name"].strip(),
                "name_en": row["name_en"].strip(),
                "starts_on": datetime.date.fromisoformat(row["starts_on"]),
                "ends_on": datetime.date.fromisoformat(row["ends_on"]),
                "capacity": int(row["capacity"]),
            }
        except ValueError as error:
            raise ReferenceDataError(f"waves.csv, line {number}: {error}.") from error
        if wave["number"] in waves:
            raise ReferenceDataError(f"waves.csv lists wave {wave['number']} twice.")
        waves[wave["number"]] = wave

    names = dict(Municipality.objects.values_list("code", "name"))
    draft = {}
    path = directory / "wave-plan-2013-12-02.csv"
    for number, row in enumerate(read_csv(path, ["wave", "name", "code"]), start=2):
        code, wave = int(row["code"]), int(row["wave"])
        if code not in names:
            raise ReferenceDataError(f"{path.name}, line {number}: unknown code {code}.")
        if names[code] != row["name"].strip():
            raise ReferenceDataError(
                f"{path.name}, line {number}: code {code} is {names[code]}, not {row['name']}."
            )
        if wave not in waves:
            raise ReferenceDataError(f"{path.name}, line {number}: unknown wave {wave}.")
        if code in draft:
            raise ReferenceDataError(f"{path.name} lists {row['name']} twice.")
        draft[code] = wave
    missing = sorted(set(names) - set(draft))
    if missing:
        raise ReferenceDataError(f"{path.name} leaves out code(s) {missing}.")
    return waves, draft


@transaction.atomic
def load_waves_and_draft(directory=DEFAULT_DIRECTORY):
    """Write the waves and the 2013 draft; return a one-line summary."""
    waves, draft = read_waves_and_draft(directory)
    changed = 0
    by_number = {}
    for number, fields in waves.items():
        wave, created = Wave.objects.get_or_create(number=number, defaults=fields)
        changed += created
        shown = {k: v for k, v in fields.items() if k != "capacity"}
        if not created and any(getattr(wave, k) != v for k, v in shown.items()):
            for key, value in shown.items():
                setattr(wave, key, value)
            wave.save()
            changed += 1
        by_number[number] = wave

    plan = WavePlan.objects.filter(status=WavePlan.Status.HISTORICAL, name=DRAFT_2013_NAME).first()
    if plan is None:
        plan = WavePlan.objects.create(
            name=DRAFT_2013_NAME,
            name_en=DRAFT_2013_NAME_EN,
            status=WavePlan.Status.HISTORICAL,
            origin=WavePlan.Origin.DOCUMENT,
            solver_status=WavePlan.SolverStatus.NOT_SOLVED,
            reason=DRAFT_2013_SOURCE,
            inputs={"source": DRAFT_2013_SOURCE},
        )
        changed += 1
    elif plan.name_en != DRAFT_2013_NAME_EN:
        plan.name_en = DRAFT_2013_NAME_EN
        plan.save(update_fields=["name_en"])
        changed += 1
    stored = dict(plan.assignments.values_list("municipality_id", "wave__number"))
    if stored != draft:
        plan.assignments.all().delete()
        neighbours = {code: [] for code in draft}
        for a, b in NeighbourPair.objects.values_list("a", "b"):
            neighbours[a].append(b)
            neighbours[b].append(a)
        Assignment.objects.bulk_create(
            Assignment(
                plan=plan,
                municipality_id=code,
                wave=by_number[wave],
                neighbours_in_other_waves=sum(draft[n] != wave for n in neighbours[code]),
                explanation={
                    "neighbours_same": sorted(n for n in neighbours[code] if draft[n] == wave),
                    "neighbours_other": sorted(n for n in neighbours[code] if draft[n] != wave),
                },
            )
            for code, wave in sorted(draft.items())
        )
        from .planning import gather_inputs, recount_plan

        # A document has no problem of its own: count it on today's inputs.
        recount_plan(plan, problem=gather_inputs()[0])
        changed += len(draft)
    counts = tuple(sum(1 for wave in draft.values() if wave == number) for number in sorted(waves))
    return LoadSummary(len(waves), counts, changed)
