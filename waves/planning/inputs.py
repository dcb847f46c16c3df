"""Gathering the solver's inputs, and knowing when a plan is out of date.

`gather_inputs` reads everything a solve needs in a fixed number of
queries and builds the solver's `PlanningProblem` once; the JSON snapshot
stored with a plan is derived from that problem (plus what the pages show
beside it, such as where a figure came from), so the two cannot disagree.

A plan records one fingerprint per group of inputs its solve read. "Out of
date" is derived, never pushed: a plan is out of date when today's inputs
give another fingerprint for some group, and the groups that differ say
what changed. Any path that edits an input (questionnaire, weight set,
import, admin edit, pin, capacity) is covered without telling anyone.
"""

import dataclasses
import hashlib
import json
import time
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Q

from municipalities.models import Municipality, NeighbourPair
from readiness.selectors import readiness_for_planning

from .. import solver
from ..models import (
    FigureStatus,
    Pin,
    PlanningWeights,
    VendorAgreement,
    Wave,
    WavePlan,
)
from . import watch

SNAPSHOT_VERSION = 2

# The groups of inputs a plan's freshness is told in, in the order the
# pages list them. The published plan the stability weight compares with is
# deliberately not one of them: publishing a plan must not make that very
# plan look out of date.
INPUT_GROUPS = (
    "readiness",
    "adoption",
    "vendors",
    "pins",
    "capacities",
    "weights",
    "municipalities",
)


def solver_time_limit():
    return float(settings.WAVES_SOLVER_TIME_LIMIT)


def solver_gap():
    return float(settings.WAVES_SOLVER_GAP)


# The figure fields the snapshot keeps beside each share (where it came from).
FIGURE_FIELDS = ("id", "status", "share", "source", "definition", "measured_on")


def _figure(row, prefix):
    """A figure's snapshot entry from a municipality row's `prefix__*` values."""
    if row[f"{prefix}__id"] is None:
        return {"status": FigureStatus.MISSING.value, "share": None}
    return {
        "status": row[f"{prefix}__status"],
        "share": _share(row, prefix),
        "source": row[f"{prefix}__source"],
        "definition": row[f"{prefix}__definition"],
        "measured_on": row[f"{prefix}__measured_on"].isoformat(),
    }


def _share(row, prefix):
    """The figure's share as the solver reads it: `AdoptionFigure.value`."""
    share = row[f"{prefix}__share"]
    if row[f"{prefix}__status"] != FigureStatus.REPORTED or share is None:
        return None
    return float(share)


def _vendor_limit(row, agreements):
    """(vendor name, earliest wave, limit source) from a municipality row's
    vendor link; see solver.MunicipalityInput.limit_source."""
    if row["eoj_vendor__id"] is None:
        return "", None, ""
    plan = row["eoj_vendor__vendor__plan__id"]
    earliest, source = None, ""
    if plan is not None and (plan, row["code"]) in agreements:
        earliest, source = agreements[(plan, row["code"])], "agreement"
    elif row["eoj_vendor__vendor__plan__earliest_wave__number"] is not None:
        earliest, source = row["eoj_vendor__vendor__plan__earliest_wave__number"], "vendor_plan"
    if earliest is not None and row["eoj_vendor__override_limit"]:
        earliest, source = None, "overridden"
    return row["eoj_vendor__vendor__name"], earliest, source


def _municipality_rows():
    """Each municipality with its adoption figures and vendor link, as plain
    rows: the solver reads a handful of fields of each, and model instances
    for 5,000 municipalities and their four related objects cost more than
    the rest of a page (a page asks for today's inputs to tell whether its
    plan is current)."""
    figures = [f"gp_adoption__{f}" for f in FIGURE_FIELDS] + [
        f"region__hospital_adoption__{f}" for f in FIGURE_FIELDS
    ]
    return Municipality.objects.order_by("code").values(
        "code",
        "short_name",
        *figures,
        "eoj_vendor__id",
        "eoj_vendor__override_limit",
        "eoj_vendor__vendor__name",
        "eoj_vendor__vendor__plan__id",
        "eoj_vendor__vendor__plan__earliest_wave__number",
    )


def gather_inputs(*, scenario=None):
    """The solver's problem and the JSON snapshot stored with its plan.

    A fixed number of queries whatever the number of municipalities. The
    snapshot carries `fingerprints` (one per input group) and
    `fingerprint` (all groups together).
    """
    problem, extras, context = gather_problem(scenario=scenario)
    return problem, snapshot(problem, extras, **context)


def gather_problem(*, scenario=None):
    """The solver's problem, what the snapshot keeps beside each
    municipality, and the snapshot's other context; without the snapshot
    itself, which only a saved plan needs."""
    waves = list(Wave.objects.all())
    weights = scenario if scenario is not None else PlanningWeights.current()
    readiness = readiness_for_planning()
    agreements = {
        (plan, municipality): wave
        for plan, municipality, wave in VendorAgreement.objects.values_list(
            "plan_id", "municipality_id", "wave__number"
        )
    }
    pins = {
        code: (wave, reason)
        for code, wave, reason in Pin.objects.filter(Q(scenario=None) | Q(scenario=scenario))
        # The plan's pins first, then the scenario's: a scenario's own pin
        # wins. (Plain ascending order puts NULLs last on PostgreSQL.)
        .order_by(F("scenario_id").asc(nulls_first=True))
        .values_list("municipality_id", "wave__number", "reason")
    }
    published = WavePlan.objects.published().only("pk").first()
    current = {}
    if published is not None:
        current = dict(published.assignments.values_list("municipality_id", "wave__number"))

    items, extras = [], {}
    for row in _municipality_rows():
        code = row["code"]
        ready = readiness.get(code)
        vendor, earliest, limit_source = _vendor_limit(row, agreements)
        pinned_wave, pin_reason = pins.get(code, (None, ""))
        items.append(
            solver.MunicipalityInput(
                code=code,
                name=row["short_name"],
                readiness=ready.score if ready else None,
                wish_wave=ready.wish_wave if ready else None,
                gp_adoption=_share(row, "gp_adoption"),
                hospital_adoption=_share(row, "region__hospital_adoption"),
                earliest_wave=earliest,
                limit_source=limit_source,
                vendor=vendor,
                pinned_wave=pinned_wave,
                current_wave=current.get(code),
            )
        )
        extras[code] = {
            "readiness_status": ready.status if ready else "not_started",
            "weight_set_version": ready.weight_set_version if ready else None,
            "gp": _figure(row, "gp_adoption"),
            "hospital": _figure(row, "region__hospital_adoption"),
            "pin_reason": pin_reason,
        }
    problem = solver.PlanningProblem(
        waves=tuple(solver.WaveSpec(w.number, w.capacity) for w in waves),
        municipalities=tuple(items),
        neighbour_pairs=tuple(NeighbourPair.objects.order_by("a", "b").values_list("a", "b")),
        weights=solver.Weights(**weights.weights_dict()),
        time_limit=solver_time_limit(),
        mip_rel_gap=solver_gap(),
    )
    context = {
        "wave_names": {w.number: w.name for w in waves},
        "scenario": scenario.name if scenario else None,
        "published_plan": published.pk if published else None,
    }
    return problem, extras, context


def snapshot(problem, extras, *, wave_names, scenario=None, published_plan=None):
    """The JSON document stored with a plan, derived from its problem."""
    municipalities = {}
    for item in problem.municipalities:
        extra = extras.get(item.code, {})
        # Every field is a plain value: a shallow copy is the same as
        # dataclasses.asdict, without its deep copies (a third of the cost
        # at 5,000).
        entry = {name: getattr(item, name) for name in _INPUT_FIELDS}
        entry.update(extra)
        # The keys the review pages and exports read.
        entry["pin"] = (
            {"wave": item.pinned_wave, "reason": extra.get("pin_reason", "")}
            if item.pinned_wave is not None
            else None
        )
        municipalities[str(item.code)] = entry
    fingerprints = fingerprints_of(problem, extras)
    return {
        "version": SNAPSHOT_VERSION,
        "weights": dataclasses.asdict(problem.weights),
        "waves": [
            {"number": w.number, "name": wave_names.get(w.number, ""), "capacity": w.capacity}
            for w in problem.waves
        ],
        "time_limit": problem.time_limit,
        "mip_rel_gap": problem.mip_rel_gap,
        "neighbour_pairs": [list(p) for p in problem.neighbour_pairs],
        "scenario": scenario,
        "published_plan": published_plan,
        "municipalities": municipalities,
        "fingerprints": fingerprints,
        "fingerprint": digest(fingerprints),
    }


_INPUT_FIELDS = tuple(f.name for f in dataclasses.fields(solver.MunicipalityInput))


def digest(value):
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def fingerprints_of(problem, extras):
    """One hash per input group of exactly what the solve reads (and the
    pins' reasons, which the plan shows)."""
    ms = problem.municipalities
    return {
        "readiness": digest([(m.code, m.readiness, m.wish_wave) for m in ms]),
        "adoption": digest([(m.code, m.gp_adoption, m.hospital_adoption) for m in ms]),
        "vendors": digest([(m.code, m.earliest_wave) for m in ms]),
        # The reason is shown with every pinned municipality of the plan.
        "pins": digest(
            [
                (m.code, m.pinned_wave, extras.get(m.code, {}).get("pin_reason", ""))
                for m in ms
                if m.pinned_wave is not None
            ]
        ),
        "capacities": digest([(w.number, w.capacity) for w in problem.waves]),
        "weights": digest(dataclasses.asdict(problem.weights)),
        "municipalities": digest(
            [[m.code for m in ms], [list(p) for p in problem.neighbour_pairs]]
        ),
    }


def problem_from_snapshot(document):
    """The problem a plan was computed from, rebuilt from its snapshot
    (to recount a plan moved by hand with the solver's own `evaluate`)."""
    fields = {f.name for f in dataclasses.fields(solver.MunicipalityInput)}
    items = []
    for code, entry in sorted(document.get("municipalities", {}).items(), key=lambda i: int(i[0])):
        values = {k: v for k, v in entry.items() if k in fields}
        values["code"] = int(code)
        # Snapshots of version 1 kept these only beside their sources.
        values.setdefault("gp_adoption", (entry.get("gp") or {}).get("share"))
        values.setdefault("hospital_adoption", (entry.get("hospital") or {}).get("share"))
        values.setdefault("pinned_wave", (entry.get("pin") or {}).get("wave"))
        items.append(solver.MunicipalityInput(**values))
    return solver.PlanningProblem(
        waves=tuple(solver.WaveSpec(w["number"], w["capacity"]) for w in document["waves"]),
        municipalities=tuple(items),
        neighbour_pairs=tuple(tuple(p) for p in document.get("neighbour_pairs", [])),
        weights=solver.Weights(**document["weights"]),
        time_limit=document.get("time_limit", solver_time_limit()),
        mip_rel_gap=document.get("mip_rel_gap", solver_gap()),
    )


# Freshness ------------------------------------------------------------------


@dataclass(frozen=True)
class Freshness:
    """How a plan stands against today's inputs.

    `changed`: the input groups (INPUT_GROUPS) whose fingerprint differs;
    `changed_answers`: the municipalities whose readiness score or wish
    differs from the plan's, for coordinators only (a project manager is
    never told which other municipality changed its answers);
    `unknown`: the plan recorded no fingerprints (made before they were
    kept), so it cannot be shown to be current.
    """

    changed: tuple[str, ...] = ()
    changed_answers: tuple[str, ...] = ()
    unknown: bool = False

    @property
    def is_out_of_date(self):
        return self.unknown or bool(self.changed)


@dataclass
class _Gathered:
    """Today's problem and fingerprints for one scenario, and which
    municipalities' answers differ from each plan's (by plan pk)."""

    generation: str
    gathered_at: float
    problem: object
    fingerprints: dict
    changed_answers: dict


# Kept in the process between requests, by scenario pk.
_kept = {}


class CurrentInputs:
    """Today's problem and its fingerprints, gathered at most once per
    scenario per use (a page that shows several plans asks once), and kept
    for later requests while the inputs' generation stands (see `watch`).
    Only the fingerprints are computed, not the snapshot a saved plan
    stores."""

    def __init__(self):
        self._gathered = {}
        self._generation = None

    def get(self, scenario=None):
        gathered = self._for(scenario)
        return gathered.problem, gathered.fingerprints

    def changed_answers(self, plan):
        """The names of the municipalities whose readiness score or wish
        differs from the plan's."""
        gathered = self._for(plan.scenario if plan.scenario_id else None)
        if plan.pk not in gathered.changed_answers:
            gathered.changed_answers[plan.pk] = _changed_answers(plan, gathered.problem)
        return gathered.changed_answers[plan.pk]

    def _for(self, scenario):
        key = scenario.pk if scenario is not None else None
        if key not in self._gathered:
            self._gathered[key] = self._kept_or_gathered(key, scenario)
        return self._gathered[key]

    def _kept_or_gathered(self, key, scenario):
        if self._generation is None:
            self._generation = watch.generation()
        kept = _kept.get(key)
        if (
            kept is not None
            and kept.generation == self._generation
            and time.monotonic() - kept.gathered_at < watch.KEEP_SECONDS
        ):
            return kept
        # The clock before gathering: a write during it ages the entry, not
        # the other way round.
        started = time.monotonic()
        problem, extras, _context = gather_problem(scenario=scenario)
        gathered = _Gathered(
            self._generation, started, problem, fingerprints_of(problem, extras), {}
        )
        _kept[key] = gathered
        return gathered


def freshness(plan, *, current=None, with_names=False):
    """The plan's `Freshness`, or None when freshness means nothing for it
    (a historical document, a superseded plan, an attempt without a plan)."""
    if plan.status in (WavePlan.Status.HISTORICAL, WavePlan.Status.SUPERSEDED):
        return None
    recorded = plan.input_fingerprints or {}
    if not recorded:
        return Freshness(unknown=True)
    current = current or CurrentInputs()
    _problem, today = current.get(plan.scenario if plan.scenario_id else None)
    changed = tuple(g for g in INPUT_GROUPS if recorded.get(g) != today.get(g))
    names = ()
    if with_names and "readiness" in changed:
        names = current.changed_answers(plan)
    return Freshness(changed=changed, changed_answers=names)


def _changed_answers(plan, problem):
    now = {m.code: (m.readiness, m.wish_wave) for m in problem.municipalities}
    rows = plan.assignments.order_by("municipality__short_name").values_list(
        "municipality_id", "municipality__short_name", "readiness_score", "wish_wave"
    )
    return tuple(
        name for code, name, score, wish in rows if now.get(code, (None, None)) != (score, wish)
    )
