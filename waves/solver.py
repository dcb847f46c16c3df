"""The wave solver: which municipality implements FMK in which wave, and why.

Pure Python on top of HiGHS (through highspy): a `PlanningProblem` goes in,
a `PlanResult` with an explanation for every municipality comes out. This
module must never import Django or read settings, so every rule is testable
in milliseconds; the clock is read only for the time limit, so the same
input gives the same plan whenever it is proven optimal.

The model (one binary x[m, w] per municipality and wave):

- hard: every municipality in exactly one wave; at most `capacity`
  municipalities per wave; a pin fixes a municipality to its wave; a
  vendor's earliest wave forbids the waves before it (the planning layer
  passes no limit when a coordinator has overridden it);
- soft, each multiplied by a coordinator's weight (points):
  readiness, GP adoption and hospital adoption pull a municipality earlier
  (figure / 100 x position of the wave, 0 for the first and 1 for the last);
  a wish costs its distance in waves (0, 0.5 or 1 for three waves);
  every split neighbour pair costs the split weight once; every municipality
  placed away from its wave in the published plan costs the stability weight.

Missing figures are explicit, never zero by accident:
- readiness None (never submitted): 0, the municipality has shown no
  readiness, so nothing pulls it forward;
- wish None: no wish term;
- GP or hospital adoption None (not reported, or no GP practice at all, as
  on Læsø): the average of the reported figures, so the criterion neither
  pulls it earlier nor later than the typical municipality.

Split pairs use the linear formulation split[p] >= x[a, w] - x[b, w] for
every pair and wave, which HiGHS proves optimal on the real map with varied
inputs in a fraction of a second. Waves that are truly interchangeable
(same capacity and identical costs and bounds) get symmetry-breaking
bounds; waves told apart by only a few municipalities' costs get one
symmetry row each (`_swap_rows`).

Near-identical inputs (early in a rollout, when most municipalities have
not answered) are the hard case: the LP relaxation can spread every
municipality evenly over the waves and split no pair, so the bound starts
at the few costs that differ and HiGHS closes it slowly (the optimum of the
real map with only Odense answered, 11 split pairs, took over a minute to
prove), while its own heuristics find plans with 45 split pairs within 5 s.
So the solve runs HiGHS alone for a quarter of a second (enough for
varied inputs at 98), and only if that proves nothing, a deterministic local
search (`waves.local_search`, from the caller's starting plan, the
published plan and a plan grown region by region) gives HiGHS a good first
plan for the rest of the time. A plan not proven optimal by the time limit
is "feasible" with the gap between its objective and HiGHS's proven lower
bound, which the pages state. Tried and not better on this case: the
"prefix" formulation over cumulative wave binaries (the same zero LP bound
for splits), CP-SAT (bound 4.0 of 29.5 after 30 s, and ortools and highspy
cannot be loaded in one process), and before that total variation and
triangle cuts.
"""

from __future__ import annotations

import dataclasses
import itertools
import time
from dataclasses import dataclass, field

import highspy
import numpy as np
from scipy.sparse import coo_array

from . import local_search

# The local search that gives HiGHS its first plan (`_starting_plan`): a
# fixed amount of work, never a time, so the same problem always starts from
# the same plan. About 0.5 s of one core at 98 municipalities, 2 s at 5,000.
# HiGHS alone first, for at most this many seconds (and a twentieth of the
# time limit): the local search and a second start only when that is not
# enough.
FIRST_LOOK = 0.25
SEARCH_CHAINS = 4
SEARCH_STEPS = 35_000
SEARCH_STEPS_PER_MUNICIPALITY = 500

CRITERIA = ("readiness", "wish", "gp_adoption", "hospital_adoption", "split", "stability")


@dataclass(frozen=True)
class WaveSpec:
    number: int
    capacity: int


@dataclass(frozen=True)
class MunicipalityInput:
    code: int
    name: str = ""
    readiness: float | None = None  # 0–100; None: never submitted
    wish_wave: int | None = None  # None: no preference
    gp_adoption: float | None = None  # 0–100; None: no figure
    hospital_adoption: float | None = None  # 0–100; None: no figure
    earliest_wave: int | None = None  # vendor limit; None: none or overridden
    # Why `earliest_wave` is what it is: "vendor_plan" (the vendor's own
    # earliest wave), "agreement" (the vendor's agreement with this
    # municipality), "overridden" (a coordinator lifted the vendor's limit,
    # so earliest_wave is None) or "" (no vendor limit at all).
    limit_source: str = ""
    vendor: str = ""  # the EOJ vendor's name, "" when none is recorded
    pinned_wave: int | None = None
    current_wave: int | None = None  # in the published plan (stability)


@dataclass(frozen=True)
class Weights:
    """Points per criterion; the coordinators set them (0 switches one off)."""

    readiness: float = 10.0
    wish: float = 15.0
    gp_adoption: float = 3.0
    hospital_adoption: float = 2.0
    split_neighbours: float = 2.0
    stability: float = 5.0


@dataclass(frozen=True)
class PlanningProblem:
    waves: tuple[WaveSpec, ...]
    municipalities: tuple[MunicipalityInput, ...]
    neighbour_pairs: tuple[tuple[int, int], ...] = ()
    weights: Weights = field(default_factory=Weights)
    time_limit: float = 60.0
    mip_rel_gap: float = 1e-6
    # The what-if costs compare every municipality with every other
    # (quadratic); large synthetic benchmarks switch them off.
    with_move_costs: bool = True
    # A plan to start from, as (code, wave) pairs: the current draft, which
    # the planning layer passes. It only speeds the solve up (HiGHS's first
    # incumbent, after local search); the optimum does not depend on it.
    start: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Conflict:
    """Why no plan can exist, in terms a coordinator can act on.

    Before solving (`find_conflicts`): "capacity" (the municipalities that
    can only go into `waves` outnumber their capacity), "pin_vendor_limit"
    (pinned before its vendor's earliest wave), "unknown_wave" (a pin or
    limit names a wave that does not exist). On a given plan
    (`check_plan`): "over_capacity", "before_vendor_limit",
    "not_in_pinned_wave", "unassigned"; `waves` holds the municipality's
    wave first, then the wave the rule asks for.
    """

    kind: str
    waves: tuple[int, ...] = ()
    capacity: int = 0
    demand: int = 0
    pinned: tuple[int, ...] = ()
    limited: tuple[int, ...] = ()
    code: int | None = None

    def __str__(self):
        if self.kind == "capacity":
            return (
                f"waves {list(self.waves)} hold {self.capacity} but {self.demand} can only go "
                f"there (pinned {list(self.pinned)}, vendor limits {list(self.limited)})"
            )
        if self.kind == "pin_vendor_limit":
            return f"{self.code} is pinned before its vendor's earliest wave"
        return f"{self.code} names an unknown wave"


@dataclass(frozen=True)
class MoveCost:
    """What moving a municipality to another wave would cost the plan.

    `points` is the change of the objective for the cheapest single change
    that keeps every hard constraint: moving it alone if the wave has room,
    else exchanging it with one municipality of that wave (`partner`). The
    current plan is optimal, so re-optimising with it pinned there costs at
    least 0 and at most `points`. None with `blocked` = "vendor_limit" or
    "no_exchange" when no such change exists.
    """

    points: float | None
    partner: int | None = None
    blocked: str = ""


@dataclass(frozen=True)
class MunicipalityExplanation:
    code: int
    wave: int
    contributions: dict[str, float]  # criterion -> points it costs in its wave
    wish_met: bool | None
    neighbours_same: tuple[int, ...]
    neighbours_other: tuple[int, ...]
    pinned: bool
    earliest_wave: int | None
    move_costs: dict[int, MoveCost]

    @property
    def total(self):
        return sum(self.contributions.values())


@dataclass(frozen=True)
class PlanSummary:
    capacity_use: dict[int, tuple[int, int]]  # wave -> (municipalities, capacity)
    split_pairs: tuple[tuple[int, int], ...]
    wishes_met: int
    wishes_total: int
    average_readiness: dict[int, float | None]
    objective: float


@dataclass(frozen=True)
class PlanResult:
    # "optimal"; "feasible" (time limit reached with a plan, `gap` says how
    # far from proven); "infeasible" (no plan can exist, see `conflicts`);
    # "timed_out" (time limit reached before any plan was found).
    status: str
    assignment: dict[int, int] = field(default_factory=dict)
    objective: float | None = None
    gap: float | None = None
    solve_seconds: float = 0.0
    conflicts: tuple[Conflict, ...] = ()
    explanations: dict[int, MunicipalityExplanation] = field(default_factory=dict)
    summary: PlanSummary | None = None
    message: str = ""

    @property
    def has_plan(self):
        return self.status in ("optimal", "feasible")


def allowed_waves(municipality, wave_numbers):
    """The waves a municipality may go into under the hard constraints."""
    if municipality.pinned_wave is not None:
        return {municipality.pinned_wave} & set(wave_numbers)
    earliest = municipality.earliest_wave or min(wave_numbers)
    return {w for w in wave_numbers if w >= earliest}


def find_conflicts(problem):
    """Check the hard constraints before the MILP; return what cannot hold.

    Assigning municipalities to waves with capacities is a bipartite
    b-matching, so Hall's condition is exact: a plan exists if and only if,
    for every set S of waves, the municipalities that may only go into S
    fit S's capacity. With few waves (up to 12) every set is checked; the
    smallest violated sets are reported.
    """
    numbers = [w.number for w in problem.waves]
    known = set(numbers)
    conflicts = []
    for m in problem.municipalities:
        for wave in (m.pinned_wave, m.earliest_wave):
            if wave is not None and wave not in known:
                conflicts.append(Conflict("unknown_wave", code=m.code, waves=(wave,)))
        if (
            m.pinned_wave is not None
            and m.earliest_wave is not None
            and m.pinned_wave < m.earliest_wave
        ):
            conflicts.append(
                Conflict(
                    "pin_vendor_limit",
                    code=m.code,
                    waves=(m.pinned_wave, m.earliest_wave),
                )
            )
    if any(c.kind == "unknown_wave" for c in conflicts):
        return tuple(conflicts)

    capacity = {w.number: w.capacity for w in problem.waves}
    allowed = {m.code: frozenset(allowed_waves(m, numbers)) for m in problem.municipalities}
    by_code = {m.code: m for m in problem.municipalities}
    if len(numbers) <= 12:
        subsets = [
            frozenset(s)
            for size in range(1, len(numbers) + 1)
            for s in itertools.combinations(numbers, size)
        ]
    else:
        subsets = [frozenset(numbers[i:]) for i in range(len(numbers))]
        subsets += [frozenset([n]) for n in numbers]
    violated = []
    for subset in subsets:
        if any(v < subset for v in violated):
            continue  # a smaller set already explains this one
        codes = sorted(c for c, waves in allowed.items() if waves <= subset)
        room = sum(capacity[w] for w in subset)
        if len(codes) > room:
            violated.append(subset)
            conflicts.append(
                Conflict(
                    "capacity",
                    waves=tuple(sorted(subset)),
                    capacity=room,
                    demand=len(codes),
                    pinned=tuple(c for c in codes if by_code[c].pinned_wave is not None),
                    limited=tuple(c for c in codes if by_code[c].pinned_wave is None),
                )
            )
    return tuple(conflicts)


def check_plan(problem, assignment):
    """The hard constraints a given assignment breaks (a draft moved by
    hand, say), as conflicts a coordinator can act on; () when it keeps
    them all.

    The same rules as the solver's, from the same helper
    (`allowed_waves`): every municipality in one known wave, within the
    wave's capacity, in its pinned wave, not before its vendor's earliest.
    """
    numbers = [w.number for w in problem.waves]
    conflicts = []
    for m in problem.municipalities:
        wave = assignment.get(m.code)
        if wave not in numbers:
            conflicts.append(Conflict("unassigned", code=m.code, waves=(wave,) if wave else ()))
            continue
        if m.pinned_wave is not None and wave not in allowed_waves(m, numbers):
            conflicts.append(
                Conflict("not_in_pinned_wave", code=m.code, waves=(wave, m.pinned_wave))
            )
        # A pin does not lift the vendor's limit (find_conflicts refuses
        # such a pin before solving; a move by hand makes one).
        if wave not in allowed_waves(dataclasses.replace(m, pinned_wave=None), numbers):
            conflicts.append(
                Conflict("before_vendor_limit", code=m.code, waves=(wave, m.earliest_wave))
            )
    for spec in problem.waves:
        codes = tuple(sorted(c for c, w in assignment.items() if w == spec.number))
        if len(codes) > spec.capacity:
            conflicts.append(
                Conflict(
                    "over_capacity",
                    waves=(spec.number,),
                    capacity=spec.capacity,
                    demand=len(codes),
                )
            )
    return tuple(conflicts)


class _Costs:
    """The per-(municipality, wave) costs by criterion, shared by the MILP
    and the explanations so that both count exactly the same points."""

    def __init__(self, problem):
        self.problem = problem
        self.waves = [w.number for w in problem.waves]
        self.index_of_wave = {w: k for k, w in enumerate(self.waves)}
        self.codes = [m.code for m in problem.municipalities]
        self.index_of_code = {c: i for i, c in enumerate(self.codes)}
        count = len(self.waves)
        position = np.array([k / (count - 1) if count > 1 else 0.0 for k in range(count)])
        weights = problem.weights
        municipalities = problem.municipalities

        def neutral(values):
            known = [v for v in values if v is not None]
            return sum(known) / len(known) if known else 0.0

        gp_neutral = neutral(m.gp_adoption for m in municipalities)
        hospital_neutral = neutral(m.hospital_adoption for m in municipalities)
        readiness = np.array([(m.readiness or 0.0) / 100 for m in municipalities])
        gp = np.array(
            [
                (gp_neutral if m.gp_adoption is None else m.gp_adoption) / 100
                for m in municipalities
            ]
        )
        hospital = np.array(
            [
                (hospital_neutral if m.hospital_adoption is None else m.hospital_adoption) / 100
                for m in municipalities
            ]
        )
        n = len(municipalities)
        self.by_criterion = {
            "readiness": weights.readiness * np.outer(readiness, position),
            "gp_adoption": weights.gp_adoption * np.outer(gp, position),
            "hospital_adoption": weights.hospital_adoption * np.outer(hospital, position),
            "wish": np.zeros((n, count)),
            "stability": np.zeros((n, count)),
        }
        for i, m in enumerate(municipalities):
            if m.wish_wave in self.index_of_wave:
                wish = self.index_of_wave[m.wish_wave]
                distance = np.abs(np.arange(count) - wish) / max(count - 1, 1)
                self.by_criterion["wish"][i] = weights.wish * distance
            if m.current_wave in self.index_of_wave:
                moved = np.ones(count)
                moved[self.index_of_wave[m.current_wave]] = 0
                self.by_criterion["stability"][i] = weights.stability * moved
        self.unary = sum(self.by_criterion.values())
        self.split_weight = weights.split_neighbours
        self.neighbours = {c: [] for c in self.codes}
        self.pairs = []
        for a, b in problem.neighbour_pairs:
            if a in self.index_of_code and b in self.index_of_code and a != b:
                self.pairs.append((min(a, b), max(a, b)))
        self.pairs = sorted(set(self.pairs))
        for a, b in self.pairs:
            self.neighbours[a].append(b)
            self.neighbours[b].append(a)
        self.allowed = {m.code: allowed_waves(m, self.waves) for m in problem.municipalities}

    def objective(self, assignment):
        total = sum(
            self.unary[self.index_of_code[c], self.index_of_wave[w]] for c, w in assignment.items()
        )
        splits = sum(1 for a, b in self.pairs if assignment[a] != assignment[b])
        return float(total + self.split_weight * splits)


def _interchangeable_groups(costs, lower, upper):
    """Sets of waves that no cost, bound or capacity tells apart."""
    n, count = costs.unary.shape
    capacity = [w.capacity for w in costs.problem.waves]
    groups = []
    seen = set()
    for k in range(count):
        if k in seen:
            continue
        group = [k]
        for other in range(k + 1, count):
            if (
                other not in seen
                and capacity[other] == capacity[k]
                and np.array_equal(costs.unary[:, k], costs.unary[:, other])
                and np.array_equal(lower[:, k], lower[:, other])
                and np.array_equal(upper[:, k], upper[:, other])
            ):
                group.append(other)
        if len(group) > 1:
            groups.append(group)
            seen.update(group)
    return groups


def solve(problem):
    """Assign every municipality to a wave; return the plan and its reasons.

    Infeasible input is reported through `conflicts` (found by the checks
    before the MILP), never by an exception.
    """
    started = time.perf_counter()
    if not problem.waves:
        return PlanResult(status="infeasible", message="no waves")
    conflicts = find_conflicts(problem)
    if conflicts:
        return PlanResult(
            status="infeasible",
            conflicts=conflicts,
            message="; ".join(str(c) for c in conflicts),
            solve_seconds=time.perf_counter() - started,
        )
    costs = _Costs(problem)
    n, count = len(costs.codes), len(costs.waves)
    if n == 0:
        return PlanResult(status="optimal", objective=0.0, gap=0.0)

    lower = np.zeros((n, count))
    upper = np.ones((n, count))
    for i, m in enumerate(problem.municipalities):
        for k, wave in enumerate(costs.waves):
            if wave not in costs.allowed[m.code]:
                upper[i, k] = 0
        if m.pinned_wave is not None:
            lower[i, costs.index_of_wave[m.pinned_wave]] = 1

    # Symmetry: if waves are interchangeable, order them by their first
    # municipality, so municipality j can only be in the first j+1 of them.
    for group in _interchangeable_groups(costs, lower, upper):
        eligible = [i for i in range(n) if upper[i, group[0]] == 1]
        for j, i in enumerate(eligible):
            for k in group[j + 1 :]:
                upper[i, k] = 0

    # Symmetry of waves that only a few municipalities' costs tell apart
    # (early in a rollout, when most have not answered): see _swap_rows.
    swap_rows = _swap_rows(costs, lower, upper)

    use_splits = costs.split_weight > 0 and costs.pairs
    pair_count = len(costs.pairs) if use_splits else 0
    variables = n * count + pair_count
    objective = np.concatenate([costs.unary.ravel(), np.full(pair_count, costs.split_weight)])

    rows, cols, values, row_lower, row_upper = [], [], [], [], []
    row = 0
    for i in range(n):  # exactly one wave each
        for k in range(count):
            rows.append(row)
            cols.append(i * count + k)
            values.append(1.0)
        row_lower.append(1)
        row_upper.append(1)
        row += 1
    for k, wave in enumerate(problem.waves):  # capacities
        for i in range(n):
            rows.append(row)
            cols.append(i * count + k)
            values.append(1.0)
        row_lower.append(-np.inf)
        row_upper.append(wave.capacity)
        row += 1
    if use_splits:  # split[p] >= x[a, w] - x[b, w]
        for p, (a, b) in enumerate(costs.pairs):
            ia, ib = costs.index_of_code[a], costs.index_of_code[b]
            for k in range(count):
                for sign in (1.0, -1.0):
                    rows += [row, row, row]
                    cols += [ia * count + k, ib * count + k, n * count + p]
                    values += [sign, -sign, -1.0]
                    row_lower.append(-np.inf)
                    row_upper.append(0)
                    row += 1
    for _j, _k, terms in swap_rows:
        for column, value in terms:
            rows.append(row)
            cols.append(column)
            values.append(value)
        row_lower.append(0)
        row_upper.append(np.inf)
        row += 1
    matrix = coo_array((values, (rows, cols)), shape=(row, variables)).tocsc()

    model = highspy.HighsLp()
    model.num_col_ = variables
    model.num_row_ = row
    model.col_cost_ = objective
    model.col_lower_ = np.concatenate([lower.ravel(), np.zeros(pair_count)])
    model.col_upper_ = np.concatenate([upper.ravel(), np.ones(pair_count)])
    model.row_lower_ = np.array(row_lower, dtype=float)
    model.row_upper_ = np.array(row_upper, dtype=float)
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.start_ = matrix.indptr
    model.a_matrix_.index_ = matrix.indices
    model.a_matrix_.value_ = matrix.data
    model.integrality_ = [highspy.HighsVarType.kInteger] * (n * count) + [
        highspy.HighsVarType.kContinuous
    ] * pair_count

    def run_highs(seconds, start=None):
        """HiGHS on the model for at most `seconds`, from `start` (wave
        indices) if given; returns (proven optimal, plan or None, bound)."""
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("time_limit", max(seconds, 0.05))
        highs.setOptionValue("mip_rel_gap", problem.mip_rel_gap)
        highs.setOptionValue("random_seed", 0)
        highs.passModel(model)
        if start is not None:
            x = np.zeros(variables)
            x[np.arange(n) * count + np.array(start)] = 1
            for p, (a, b) in enumerate(costs.pairs[:pair_count]):
                x[n * count + p] = float(
                    start[costs.index_of_code[a]] != start[costs.index_of_code[b]]
                )
            solution = highspy.HighsSolution()
            solution.col_value = x.tolist()
            solution.value_valid = True
            highs.setSolution(solution)
        highs.run()
        info = highs.getInfo()
        plan = None
        if info.primal_solution_status == 2:  # kSolutionStatusFeasible
            x = np.array(highs.getSolution().col_value[: n * count]).reshape(n, count)
            plan = [int(k) for k in x.argmax(axis=1)]
        optimal = highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
        return optimal, plan, float(info.mip_dual_bound), float(info.mip_gap)

    def value_of(plan):
        return np.inf if plan is None else costs.objective(_plan(costs, plan))

    # First HiGHS alone, briefly: varied inputs are proven optimal in a
    # fraction of a second (the demo inputs in 0.05 s). Only if that is not
    # enough, the local search finds a plan (from the current draft, the published plan and a plan
    # grown region by region), and HiGHS starts again from the better of
    # the two with the rest of the time limit.
    optimal, chosen, bound, mip_gap = run_highs(min(0.05 * problem.time_limit, FIRST_LOOK))
    if not optimal:
        searched = _starting_plan(costs, lower, upper, swap_rows)
        if value_of(searched) < value_of(chosen) - 1e-9:
            chosen = searched
        remaining = problem.time_limit - (time.perf_counter() - started)
        if remaining > 0.05:
            optimal, again, bound, mip_gap = run_highs(remaining, chosen)
            if value_of(again) < value_of(chosen) - 1e-9 or (optimal and again is not None):
                chosen = again
    seconds = time.perf_counter() - started
    if chosen is None:
        # The checks above make the model feasible, so this is a time limit
        # reached before any plan was found.
        return PlanResult(
            status="timed_out",
            solve_seconds=seconds,
            message="time limit reached before any plan was found",
        )
    assignment = _plan(costs, chosen)
    value = costs.objective(assignment)
    # The gap as HiGHS measures it, from the plan returned and the proven
    # lower bound: (objective - bound) / |objective|. Each municipality's
    # cheapest allowed wave is a bound too (a split never costs less than
    # 0), for when time ran out before HiGHS had one.
    cheapest = np.where(upper == 1, costs.unary, np.inf).min(axis=1).sum()
    if costs.split_weight >= 0 and np.isfinite(cheapest):
        bound = max(bound, float(cheapest)) if np.isfinite(bound) else float(cheapest)
    if optimal:
        gap = min(max(mip_gap, 0.0), problem.mip_rel_gap)
    elif np.isfinite(bound):
        gap = max(value - bound, 0.0) / max(abs(value), 1e-9)
    else:
        gap = None
    return PlanResult(
        status="optimal" if optimal else "feasible",
        assignment=assignment,
        objective=value,
        gap=gap,
        solve_seconds=seconds,
        explanations=_explain(costs, assignment),
        summary=_summarise(costs, assignment),
    )


def _plan(costs, chosen):
    """The assignment {code: wave} of a list of wave indices."""
    return {costs.codes[i]: costs.waves[k] for i, k in enumerate(chosen)}


def _swap_rows(costs, lower, upper):
    """Symmetry-breaking rows for two waves with the same capacity and
    bounds whose costs differ only for a few municipalities D.

    Exchanging the two waves' members keeps every hard constraint and
    every split, and changes the objective only through D: by
    delta(x) = sum over d in D of (u[d, k] - u[d, j]) (x[d, j] - x[d, k]).
    Of a plan and its exchange one has delta >= 0 and costs no more than
    the other, so the row delta(x) >= 0 keeps an optimal plan and cuts off
    its mirror image. Each row is a list of (column, coefficient). Waves
    that nothing tells apart are already ordered by the bounds
    (`_interchangeable_groups`).
    """
    n, count = costs.unary.shape
    capacity = [w.capacity for w in costs.problem.waves]
    rows = []
    for j, k in itertools.combinations(range(count), 2):
        if (
            capacity[j] != capacity[k]
            or not np.array_equal(lower[:, j], lower[:, k])
            or not np.array_equal(upper[:, j], upper[:, k])
        ):
            continue
        difference = costs.unary[:, k] - costs.unary[:, j]
        differing = np.flatnonzero(difference != 0)
        # Only where few differ: with many, the row is dense and weak.
        if 0 < len(differing) <= max(1, n // 10):
            row = []
            for i in differing:
                row.append((int(i) * count + j, float(difference[i])))
                row.append((int(i) * count + k, -float(difference[i])))
            rows.append((j, k, row))
    return rows


def _respect_swap_rows(plan, swap_rows, count):
    """`plan`, or its mirror image across a pair of waves where it breaks
    that pair's swap row (the mirror costs less); None if some row still
    breaks after that."""
    plan = list(plan)
    for _ in range(len(swap_rows) + 1):
        broken = [
            (j, k)
            for j, k, terms in swap_rows
            if sum(v for column, v in terms if plan[column // count] == column % count) < -1e-9
        ]
        if not broken:
            return plan
        j, k = broken[0]
        plan = [k if w == j else j if w == k else w for w in plan]
    return None


def _starting_plan(costs, lower, upper, swap_rows):
    """The best plan the local search finds from the caller's starting plan
    (`PlanningProblem.start`, the current draft), the published plan and a
    plan grown region by region; a list of wave indices, or None. It keeps
    the model's bounds (pins, vendor limits, symmetry) and swap rows, so
    HiGHS can take it as its first incumbent."""
    problem = costs.problem
    n, count = costs.unary.shape
    capacity = [w.capacity for w in problem.waves]
    allowed = [{k for k in range(count) if upper[i, k] == 1} for i in range(n)]
    for i in range(n):
        pinned = [k for k in range(count) if lower[i, k] == 1]
        if pinned:
            allowed[i] = set(pinned)
    neighbours = [[costs.index_of_code[o] for o in costs.neighbours[c]] for c in costs.codes]
    unary = costs.unary.tolist()
    split_weight = costs.split_weight if costs.pairs else 0.0

    given = dict(problem.start)
    candidates = []
    for preferred in (
        [costs.index_of_wave.get(given.get(c)) for c in costs.codes] if given else None,
        [costs.index_of_wave.get(m.current_wave) for m in problem.municipalities],
    ):
        if preferred is not None and any(k is not None for k in preferred):
            plan = local_search.feasible_start(capacity, allowed, preferred)
            if plan is not None:
                candidates.append(plan)
    grown = local_search.grown_start(capacity, allowed, neighbours, unary)
    if grown is not None:
        candidates.append(grown)
    if not candidates:
        return None
    steps = min(SEARCH_STEPS, SEARCH_STEPS_PER_MUNICIPALITY * n)
    best, best_value = None, None
    for chain in range(SEARCH_CHAINS):
        plan, _value = local_search.improve(
            candidates[chain % len(candidates)],
            capacity,
            allowed,
            neighbours,
            unary,
            split_weight,
            steps=steps,
            seed=chain,
        )
        plan = _respect_swap_rows(plan, swap_rows, count)
        if plan is None:
            continue
        value = costs.objective(_plan(costs, plan))
        if best_value is None or value < best_value - 1e-9:
            best, best_value = plan, value
    return best


def evaluate(problem, assignment):
    """Explain a given assignment (e.g. the 2013 draft, or one moved by
    hand) with the same costs as the solver; capacities are not enforced."""
    costs = _Costs(problem)
    return _explain(costs, assignment), _summarise(costs, assignment)


def _summarise(costs, assignment):
    counts = {w: 0 for w in costs.waves}
    readiness = {w: [] for w in costs.waves}
    wishes_met = wishes_total = 0
    for m in costs.problem.municipalities:
        wave = assignment[m.code]
        counts[wave] += 1
        if m.readiness is not None:
            readiness[wave].append(m.readiness)
        if m.wish_wave is not None:
            wishes_total += 1
            wishes_met += m.wish_wave == wave
    return PlanSummary(
        capacity_use={w.number: (counts[w.number], w.capacity) for w in costs.problem.waves},
        split_pairs=tuple(p for p in costs.pairs if assignment[p[0]] != assignment[p[1]]),
        wishes_met=wishes_met,
        wishes_total=wishes_total,
        average_readiness={w: (sum(v) / len(v) if v else None) for w, v in readiness.items()},
        objective=costs.objective(assignment),
    )


def _explain(costs, assignment):
    """Each municipality's points per criterion, its neighbours and the
    what-if cost of moving it to each other wave (see `MoveCost`).

    Moving by exchange costs the municipality's own change plus its
    partner's, and the partner's depends only on the two waves. So, for
    every ordered pair of waves, the partners' changes are computed once and
    compared for all municipalities at once with numpy, instead of once per
    municipality and partner in Python (39 of 66 s at 5,000). The result is
    the one trying every partner in turn gives, ties included.
    """
    counts = {w: 0 for w in costs.waves}
    for wave in assignment.values():
        counts[wave] += 1
    capacity = {w.number: w.capacity for w in costs.problem.waves}
    members = {w: [] for w in costs.waves}
    for code, wave in assignment.items():
        members[wave].append(code)
    by_code = {m.code: m for m in costs.problem.municipalities}
    split_weight = costs.split_weight
    # Rows of the (movers x partners) matrix handled at once: about 8 MB
    # whatever the size of the plan.
    block_cells = 1_000_000

    def own_delta(code, source, target):
        """Change of the objective if `code` alone moves source -> target."""
        i = costs.index_of_code[code]
        delta = (
            costs.unary[i, costs.index_of_wave[target]]
            - costs.unary[i, costs.index_of_wave[source]]
        )
        for other in costs.neighbours[code]:
            other_wave = assignment[other]
            delta += split_weight * ((other_wave != target) - (other_wave != source))
        return delta

    def best_move(values, columns, partners):
        """Try the candidates in order (column 0 is moving alone), keeping
        one only if it is cheaper than the best so far by more than rounding
        (1e-9 points): the first of equal candidates wins. The best so far
        is always within 1e-9 of the minimum so far, so only a strict
        running minimum can win, and `columns` holds those."""
        best_points, best_partner = None, None
        for column in columns:
            points = values[column]
            if not np.isfinite(points):
                continue
            if best_points is None or points < best_points - 1e-9:
                best_points = float(points)
                best_partner = None if column == 0 else partners[column - 1]
        if best_points is None:
            return MoveCost(None, blocked="no_exchange")
        return MoveCost(best_points, partner=best_partner)

    def moves_between(wave, target, out):
        """The cheapest move to `target` of every municipality in `wave`:
        alone if `target` has room, else (or if cheaper) exchanged with one
        municipality of `target` that may go into `wave`."""
        movers = []
        for code in members[wave]:
            # What-if ignores the municipality's own pin: the question is
            # asked before pinning, or to see what a pin costs.
            if target < (by_code[code].earliest_wave or costs.waves[0]):
                out[code][target] = MoveCost(None, blocked="vendor_limit")
            else:
                movers.append(code)
        if not movers:
            return
        partners = [
            p
            for p in members[target]
            if by_code[p].pinned_wave is None and wave in costs.allowed[p]
        ]
        column_of = {p: j + 1 for j, p in enumerate(partners)}
        partner_delta = np.array([own_delta(p, target, wave) for p in partners], dtype=float)
        alone = np.array([own_delta(code, wave, target) for code in movers], dtype=float)
        has_room = counts[target] < capacity[target]
        rows_per_block = max(1, block_cells // (len(partners) + 1))
        for first in range(0, len(movers), rows_per_block):
            codes = movers[first : first + rows_per_block]
            own = alone[first : first + rows_per_block]
            matrix = np.empty((len(codes), len(partners) + 1))
            matrix[:, 0] = own if has_room else np.inf
            matrix[:, 1:] = own[:, None] + partner_delta[None, :]
            for row, code in enumerate(codes):
                for neighbour in costs.neighbours[code]:
                    column = column_of.get(neighbour)
                    if column is not None:
                        # The pair stays split; undo both counts.
                        matrix[row, column] += 2 * split_weight
            running = np.minimum.accumulate(matrix, axis=1)
            record = np.ones(matrix.shape, dtype=bool)
            record[:, 1:] = matrix[:, 1:] < running[:, :-1]
            for row, code in enumerate(codes):
                out[code][target] = best_move(matrix[row], np.flatnonzero(record[row]), partners)

    move_costs = {code: {} for code in assignment}
    if costs.problem.with_move_costs:
        for wave in costs.waves:
            for target in costs.waves:
                if target != wave:
                    moves_between(wave, target, move_costs)

    explanations = {}
    for m in costs.problem.municipalities:
        code, wave = m.code, assignment[m.code]
        i, k = costs.index_of_code[code], costs.index_of_wave[wave]
        same = tuple(sorted(o for o in costs.neighbours[code] if assignment[o] == wave))
        other = tuple(sorted(o for o in costs.neighbours[code] if assignment[o] != wave))
        contributions = {name: float(table[i, k]) for name, table in costs.by_criterion.items()}
        # Each split pair counts once in the objective: half to each side.
        contributions["split"] = split_weight * len(other) / 2
        explanations[code] = MunicipalityExplanation(
            code=code,
            wave=wave,
            contributions=contributions,
            wish_met=None if m.wish_wave is None else m.wish_wave == wave,
            neighbours_same=same,
            neighbours_other=other,
            pinned=m.pinned_wave is not None,
            earliest_wave=m.earliest_wave,
            move_costs={t: move_costs[code][t] for t in costs.waves if t in move_costs[code]},
        )
    return explanations
