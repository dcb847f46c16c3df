"""The trade-off between neighbours together and everything else.

Municipalities close to each other shall implement in the same wave, but
every split pair the solver avoids costs somewhere else: wishes missed,
ready municipalities placed late. This module sweeps the split weight
(`Weights.split_neighbours`) over a range, keeps every other weight as the
coordinators set it, and returns the plans it finds with their split pairs,
wishes met and the cost of the readiness order.

Every plan the solver proposes for some split weight is optimal for that
weight, so no other plan has both fewer split pairs and a lower cost for
the rest of the objective: the swept plans lie on the frontier of that
trade-off. Wishes met are a count the objective only approximates (it
weighs how far a wish is missed), so a swept plan can still be beaten on
all three figures shown by another swept plan; such dominated plans are
removed and reported, never silently dropped.

Pure Python on top of `solver`: no Django, settings or clock.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

from . import solver

# Points per split pair. The coordinators' weight is added to the sweep,
# so the plan the portal proposes is always one of the swept plans. The
# lowest is above 0 so that, among plans equal on everything else, the one
# with the fewest split pairs is found. Above 12 a split pair outweighs
# most of a municipality's readiness, wish and adoption points, and on the
# real map each solve takes seconds rather than tenths (20 gives 25 split
# pairs for 34 wishes, 1,000 the floor of 22 for 23).
SPLIT_WEIGHTS = (0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 12.0)

# The criteria that order municipalities by how far they have come.
READINESS_ORDER = ("readiness", "gp_adoption", "hospital_adoption")

# Relative tolerance for "the same cost": HiGHS proves optimality within
# its stated gap, not exactly.
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Measure:
    """The three figures of the trade-off for one assignment."""

    split_pairs: int
    wishes_met: int
    wishes_total: int
    readiness_cost: float  # points for readiness and adoption order

    def dominates(self, other):
        """At least as good on every figure and better on one."""
        no_worse = (
            self.split_pairs <= other.split_pairs
            and self.wishes_met >= other.wishes_met
            and self.readiness_cost <= other.readiness_cost + _slack(other.readiness_cost)
        )
        better = (
            self.split_pairs < other.split_pairs
            or self.wishes_met > other.wishes_met
            or self.readiness_cost < other.readiness_cost - _slack(other.readiness_cost)
        )
        return no_worse and better


@dataclass(frozen=True)
class FrontierPoint:
    """A plan found by the sweep.

    `split_weight` is the weight it was solved with (solving again with it
    gives this plan); the swept weights from `split_weight` to
    `weight_up_to` all give it.
    """

    split_weight: float
    weight_up_to: float
    assignment: dict[int, int]
    measure: Measure
    objective: float
    status: str
    gap: float | None
    solve_seconds: float

    @property
    def split_pairs(self):
        return self.measure.split_pairs

    @property
    def wishes_met(self):
        return self.measure.wishes_met

    @property
    def readiness_cost(self):
        return self.measure.readiness_cost


@dataclass(frozen=True)
class Dominated:
    """A swept plan left out, and the plan that beats it."""

    point: FrontierPoint
    by: FrontierPoint


@dataclass(frozen=True)
class Sweep:
    points: tuple[FrontierPoint, ...]  # most split pairs first
    dominated: tuple[Dominated, ...]
    # Weights for which no plan was found within the time limit.
    unsolved: tuple[float, ...]
    solves: int
    seconds: float
    status: str = "done"  # "done" | "infeasible"
    conflicts: tuple[solver.Conflict, ...] = ()


def _slack(value):
    return TOLERANCE * (1 + abs(value))


def _same(a, b):
    return (a.split_pairs, a.wishes_met, a.wishes_total) == (
        b.split_pairs,
        b.wishes_met,
        b.wishes_total,
    ) and abs(a.readiness_cost - b.readiness_cost) <= _slack(a.readiness_cost)


def with_split_weight(problem, weight):
    """The same problem with another split weight and nothing else changed."""
    return dataclasses.replace(
        problem, weights=dataclasses.replace(problem.weights, split_neighbours=float(weight))
    )


def measure(problem, assignment):
    """Place any assignment (a draft, the published plan, the 2013 draft)
    on the trade-off, with the same costs the solver uses."""
    explanations, summary = solver.evaluate(problem, assignment)
    readiness_cost = sum(
        explanation.contributions[criterion]
        for explanation in explanations.values()
        for criterion in READINESS_ORDER
    )
    return Measure(
        split_pairs=len(summary.split_pairs),
        wishes_met=summary.wishes_met,
        wishes_total=summary.wishes_total,
        readiness_cost=float(readiness_cost),
    )


def sweep(problem, split_weights=SPLIT_WEIGHTS):
    """Solve for each split weight; return the non-dominated plans.

    Weights are solved from both ends of the range inwards: when the plans
    at two weights have the same split pairs and the same cost for the
    rest, that plan is optimal for every weight in between (the best
    objective is a concave, piecewise linear function of the weight), so
    the weights in between are not solved.
    """
    started = time.perf_counter()
    weights = sorted({float(w) for w in split_weights} | {problem.weights.split_neighbours})
    # The explanations' what-if costs are not needed to place a plan.
    base = dataclasses.replace(problem, with_move_costs=False)
    results = {}

    def solve_at(index):
        results[index] = solver.solve(with_split_weight(base, weights[index]))
        return results[index]

    first = solve_at(0)
    if first.status == "infeasible":
        # Feasibility does not depend on any weight: no weight has a plan.
        return Sweep(
            points=(),
            dominated=(),
            unsolved=(),
            solves=1,
            seconds=time.perf_counter() - started,
            status="infeasible",
            conflicts=first.conflicts,
        )
    last = len(weights) - 1
    if last > 0:
        solve_at(last)

    def same_line(low, high):
        a, b = results[low], results[high]
        if a.status != "optimal" or b.status != "optimal":
            return False
        splits_a, splits_b = len(a.summary.split_pairs), len(b.summary.split_pairs)
        rest_a = a.objective - weights[low] * splits_a
        rest_b = b.objective - weights[high] * splits_b
        return splits_a == splits_b and abs(rest_a - rest_b) <= _slack(rest_a)

    def fill(low, high):
        if high - low < 2 or same_line(low, high):
            return
        middle = (low + high) // 2
        solve_at(middle)
        fill(low, middle)
        fill(middle, high)

    fill(0, last)
    solves = len(results)
    for index in range(len(weights)):
        if index not in results:
            # Skipped: the plan of the nearest solved weight below holds.
            results[index] = results[max(i for i in results if i < index)]

    points, unsolved = [], []
    for index, weight in enumerate(weights):
        result = results[index]
        if not result.has_plan:
            unsolved.append(weight)
            continue
        if points and points[-1].assignment == result.assignment:
            points[-1] = dataclasses.replace(points[-1], weight_up_to=weight)
            continue
        figures = measure(problem, result.assignment)
        if points and _same(points[-1].measure, figures):
            # Another plan with the same figures (a tie): one point is enough.
            points[-1] = dataclasses.replace(points[-1], weight_up_to=weight)
            continue
        points.append(
            FrontierPoint(
                split_weight=weight,
                weight_up_to=weight,
                assignment=dict(result.assignment),
                measure=figures,
                objective=float(result.objective),
                status=result.status,
                gap=result.gap,
                solve_seconds=result.solve_seconds,
            )
        )
    kept, dominated = remove_dominated(points)
    return Sweep(
        points=tuple(sorted(kept, key=lambda p: (-p.split_pairs, p.split_weight))),
        dominated=tuple(dominated),
        unsolved=tuple(unsolved),
        solves=solves,
        seconds=time.perf_counter() - started,
    )


def remove_dominated(points):
    """Split `points` into those no other point dominates and the rest."""
    kept, dominated = [], []
    for point in points:
        winner = next((o for o in points if o.measure.dominates(point.measure)), None)
        if winner is None:
            kept.append(point)
        else:
            dominated.append(Dominated(point, winner))
    return kept, dominated
