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
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

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


def _figure(figure):
    if figure is None:
        return {"status": FigureStatus.MISSING.value, "share": None}
    return {
        "status": figure.status,
        "share": figure.value,
        "source": figure.source,
        "definition": figure.definition,
        "measured_on": figure.measured_on.isoformat(),
    }


def _vendor_limit(link, agreements):
    """(vendor name, earliest wave, limit source) for a municipality's
    vendor link; see solver.MunicipalityInput.limit_source."""
    if link is None:
        return "", None, ""
    plan = getattr(link.vendor, "plan", None)
    earliest, source = None, ""
    if plan is not None and (plan.pk, link.municipality_id) in agreements:
        earliest, source = agreements[(plan.pk, link.municipality_id)], "agreement"
    elif plan is not None and plan.earliest_wave is not None:
        earliest, source = plan.earliest_wave.number, "vendor_plan"
    if earliest is not None and link.override_limit:
        earliest, source = None, "overridden"
    return link.vendor.name, earliest, source


def gather_inputs(*, scenario=None):
    """The solver's problem and the JSON snapshot stored with its plan.

    A fixed number of queries whatever the number of municipalities. The
    snapshot carries `fingerprints` (one per input group) and
    `fingerprint` (all groups together).
    """
    waves = list(Wave.objects.all())
    weights = scenario if scenario is not None else PlanningWeights.current()
    readiness = readiness_for_planning()
    municipalities = (
        Municipality.objects.select_related(
            "region__hospital_adoption",
            "gp_adoption",
            "eoj_vendor__vendor__plan__earliest_wave",
        )
        .defer("geometry")
        .order_by("code")
    )
    agreements = {
        (a.plan_id, a.municipality_id): a.wave.number
        for a in VendorAgreement.objects.select_related("wave")
    }
    pins = {
        pin.municipality_id: pin
        for pin in Pin.objects.filter(Q(scenario=None) | Q(scenario=scenario))
        .select_related("wave")
        .order_by("scenario_id")  # NULLs first: a scenario's own pin wins
    }
    published = WavePlan.objects.published().only("pk").first()
    current = {}
    if published is not None:
        current = dict(published.assignments.values_list("municipality_id", "wave__number"))

    items, extras = [], {}
    for municipality in municipalities:
        code = municipality.code
        ready = readiness.get(code)
        gp = getattr(municipality, "gp_adoption", None)
        hospital = getattr(municipality.region, "hospital_adoption", None)
        vendor, earliest, limit_source = _vendor_limit(
            getattr(municipality, "eoj_vendor", None), agreements
        )
        pin = pins.get(code)
        items.append(
            solver.MunicipalityInput(
                code=code,
                name=municipality.short_name,
                readiness=ready.score if ready else None,
                wish_wave=ready.wish_wave if ready else None,
                gp_adoption=gp.value if gp else None,
                hospital_adoption=hospital.value if hospital else None,
                earliest_wave=earliest,
                limit_source=limit_source,
                vendor=vendor,
                pinned_wave=pin.wave.number if pin else None,
                current_wave=current.get(code),
            )
        )
        extras[code] = {
            "readiness_status": ready.status if ready else "not_started",
            "weight_set_version": ready.weight_set_version if ready else None,
            "gp": _figure(gp),
            "hospital": _figure(hospital),
            "pin_reason": pin.reason if pin else "",
        }
    problem = solver.PlanningProblem(
        waves=tuple(solver.WaveSpec(w.number, w.capacity) for w in waves),
        municipalities=tuple(items),
        neighbour_pairs=tuple(NeighbourPair.objects.order_by("a", "b").values_list("a", "b")),
        weights=solver.Weights(**weights.weights_dict()),
        time_limit=solver_time_limit(),
        mip_rel_gap=solver_gap(),
    )
    document = snapshot(
        problem,
        extras,
        wave_names={w.number: w.name for w in waves},
        scenario=scenario.name if scenario else None,
        published_plan=published.pk if published else None,
    )
    return problem, document


def snapshot(problem, extras, *, wave_names, scenario=None, published_plan=None):
    """The JSON document stored with a plan, derived from its problem."""
    municipalities = {}
    for item in problem.municipalities:
        extra = extras.get(item.code, {})
        entry = dataclasses.asdict(item)
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


class CurrentInputs:
    """Today's inputs, gathered at most once per scenario per use (a page
    that shows several plans asks once)."""

    def __init__(self):
        self._gathered = {}

    def get(self, scenario=None):
        key = scenario.pk if scenario is not None else None
        if key not in self._gathered:
            self._gathered[key] = gather_inputs(scenario=scenario)
        return self._gathered[key]


def freshness(plan, *, current=None, with_names=False):
    """The plan's `Freshness`, or None when freshness means nothing for it
    (a historical document, a superseded plan, an attempt without a plan)."""
    if plan.status in (WavePlan.Status.HISTORICAL, WavePlan.Status.SUPERSEDED):
        return None
    recorded = plan.input_fingerprints or {}
    if not recorded:
        return Freshness(unknown=True)
    current = current or CurrentInputs()
    problem, document = current.get(plan.scenario if plan.scenario_id else None)
    today = document["fingerprints"]
    changed = tuple(g for g in INPUT_GROUPS if recorded.get(g) != today.get(g))
    names = ()
    if with_names and "readiness" in changed:
        names = _changed_answers(plan, problem)
    return Freshness(changed=changed, changed_answers=names)


def _changed_answers(plan, problem):
    now = {m.code: (m.readiness, m.wish_wave) for m in problem.municipalities}
    rows = plan.assignments.order_by("municipality__short_name").values_list(
        "municipality_id", "municipality__short_name", "readiness_score", "wish_wave"
    )
    return tuple(
        name for code, name, score, wish in rows if now.get(code, (None, None)) != (score, wish)
    )
