"""A quick plan to start the wave solver from: local search on the objective.

Pure Python, no Django, no clock: a fixed number of steps from a fixed seed,
so the same problem always gives the same starting plan. The MILP in
`waves.solver` then starts from the best plan found here (HiGHS's
`setSolution`), which matters when the inputs are near-identical early in a
rollout: the LP bound is then weak, HiGHS's own heuristics find poor plans
within the portal's time limit, and a good incumbent is what lets the
branch-and-bound prune.

The search moves one municipality into a wave with room, or exchanges two
municipalities of different waves, always within the hard constraints (the
allowed waves of `solver.allowed_waves` and the capacities). Simulated
annealing accepts worse steps early on to leave local optima, so groups of
neighbours can move across a border one step at a time; a final descent
ends in a plan no single move or exchange improves.
"""

from __future__ import annotations

import collections
import math
import random

# Annealing temperatures in split weights: at the start a step that splits
# one more pair is accepted with probability e^(-1/2), at the end almost never.
HOT = 2.0
COLD = 0.05
# At most this many passes of the final descent.
DESCENT_PASSES = 20


def feasible_start(capacity, allowed, preferred=None):
    """A plan within the hard constraints, close to `preferred` (a list of
    wave indices or None per municipality): keep every preferred wave that
    is allowed and has room, then place the rest, most constrained first,
    into the allowed wave with the most room left. None if that greedy
    placement fails (the MILP then finds a first plan itself)."""
    n = len(allowed)
    room = list(capacity)
    wave = [None] * n
    if preferred is not None:
        for i in sorted(range(n), key=lambda i: (len(allowed[i]), i)):
            k = preferred[i]
            if k is not None and k in allowed[i] and room[k] > 0:
                wave[i] = k
                room[k] -= 1
    for i in sorted(range(n), key=lambda i: (len(allowed[i]), i)):
        if wave[i] is not None:
            continue
        options = [k for k in allowed[i] if room[k] > 0]
        if not options:
            return None
        k = max(options, key=lambda k: (room[k], -k))
        wave[i] = k
        room[k] -= 1
    return wave


def grown_start(capacity, allowed, neighbours, unary):
    """A plan grown as regions: municipalities with one allowed wave are
    placed first, then the waves are filled one after the other in
    breadth-first order over the neighbour graph, each region starting from
    the unplaced municipality that prefers the wave most, so that neighbours
    tend to share a wave. None if the greedy filling fails."""
    n = len(allowed)
    wave = [None] * n
    room = list(capacity)
    for i in range(n):
        if len(allowed[i]) == 1:
            (k,) = allowed[i]
            if room[k] == 0:
                return None
            wave[i] = k
            room[k] -= 1
    for k in range(len(capacity)):
        while room[k] > 0:
            candidates = [i for i in range(n) if wave[i] is None and k in allowed[i]]
            if not candidates:
                break
            seed = min(candidates, key=lambda i: (unary[i][k] - min(unary[i]), i))
            queue = collections.deque([seed])
            seen = {seed}
            while queue and room[k] > 0:
                i = queue.popleft()
                wave[i] = k
                room[k] -= 1
                for j in neighbours[i]:
                    if j not in seen and wave[j] is None and k in allowed[j]:
                        seen.add(j)
                        queue.append(j)
    if any(w is None for w in wave):
        return feasible_start(capacity, allowed, wave)
    return wave


class _State:
    def __init__(self, wave, capacity, allowed, neighbours, unary, split_weight):
        self.wave = list(wave)
        self.capacity = capacity
        self.allowed = allowed
        self.neighbours = neighbours
        self.unary = unary
        self.w = split_weight
        count = len(capacity)
        self.members = [[] for _ in range(count)]
        self.position = [0] * len(wave)
        for i, k in enumerate(self.wave):
            self.position[i] = len(self.members[k])
            self.members[k].append(i)
        self.objective = sum(unary[i][k] for i, k in enumerate(self.wave)) + self.w * sum(
            1 for i in range(len(wave)) for j in neighbours[i] if j > i and wave[i] != wave[j]
        )

    def move_delta(self, i, target):
        source = self.wave[i]
        delta = self.unary[i][target] - self.unary[i][source]
        for j in self.neighbours[i]:
            other = self.wave[j]
            delta += self.w * ((other != target) - (other != source))
        return delta

    def swap_delta(self, i, j):
        a, b = self.wave[i], self.wave[j]
        delta = self.move_delta(i, b) + self.move_delta(j, a)
        if j in self.neighbours_set[i]:
            delta += 2 * self.w  # the pair stays split
        return delta

    def move(self, i, target):
        source = self.wave[i]
        members = self.members[source]
        last = members[-1]
        members[self.position[i]] = last
        self.position[last] = self.position[i]
        members.pop()
        self.position[i] = len(self.members[target])
        self.members[target].append(i)
        self.wave[i] = target


def improve(wave, capacity, allowed, neighbours, unary, split_weight, *, steps, seed=2014):
    """The best plan found by annealing from `wave` for `steps` steps and a
    final descent; returns (plan as a list of wave indices, objective).

    `allowed` holds a set of wave indices per municipality, `neighbours` a
    list of neighbour indices, `unary` the per-wave costs (lists)."""
    state = _State(wave, capacity, allowed, neighbours, unary, split_weight)
    state.neighbours_set = [set(ns) for ns in neighbours]
    n = len(wave)
    count = len(capacity)
    movable = [i for i in range(n) if len(allowed[i]) > 1]
    if not movable or count < 2:
        return list(state.wave), state.objective
    rng = random.Random(seed)
    scale = split_weight if split_weight > 0 else 1.0
    hot, cold = HOT * scale, COLD * scale
    best_wave, best_objective = list(state.wave), state.objective

    def propose(i):
        """A step for municipality i: (delta, partner or None, target)."""
        source = state.wave[i]
        ns = neighbours[i]
        if ns and rng.random() < 0.8:
            target = state.wave[ns[rng.randrange(len(ns))]]
        else:
            target = rng.randrange(count)
        if target == source or target not in allowed[i]:
            return None
        if len(state.members[target]) < capacity[target]:
            return state.move_delta(i, target), None, target
        members = state.members[target]
        partner = None
        for _ in range(6):
            j = members[rng.randrange(len(members))]
            if source in allowed[j]:
                partner = j
                if any(state.wave[x] == source for x in neighbours[j]):
                    break
        if partner is None:
            return None
        return state.swap_delta(i, partner), partner, target

    for step in range(steps):
        temperature = hot * (cold / hot) ** (step / max(steps - 1, 1))
        i = movable[rng.randrange(len(movable))]
        proposal = propose(i)
        if proposal is None:
            continue
        delta, partner, target = proposal
        if delta <= 0 or rng.random() < math.exp(-delta / temperature):
            source = state.wave[i]
            state.move(i, target)
            if partner is not None:
                state.move(partner, source)
            state.objective += delta
            if state.objective < best_objective - 1e-9:
                best_objective = state.objective
                best_wave = list(state.wave)

    # Descent from the best plan: first improving move or exchange, until
    # none is left. Exchange partners are the municipalities within two
    # steps on the neighbour graph (an exchange of two far apart changes
    # only their own costs, which the annealing has already weighed), so a
    # pass costs the same per municipality at 98 as at 5,000.
    state = _State(best_wave, capacity, allowed, neighbours, unary, split_weight)
    state.neighbours_set = [set(ns) for ns in neighbours]
    nearby = [
        sorted({j for x in neighbours[i] for j in (x, *neighbours[x]) if j != i}) for i in range(n)
    ]
    for _ in range(DESCENT_PASSES):
        improved = False
        for i in movable:
            source = state.wave[i]
            for target in sorted(allowed[i]):
                if target == source:
                    continue
                if len(state.members[target]) < capacity[target]:
                    delta = state.move_delta(i, target)
                    if delta < -1e-9:
                        state.move(i, target)
                        state.objective += delta
                        improved = True
                        break
                    continue
                for j in nearby[i]:
                    if state.wave[j] == target and source in allowed[j]:
                        delta = state.swap_delta(i, j)
                        if delta < -1e-9:
                            state.move(i, target)
                            state.move(j, source)
                            state.objective += delta
                            improved = True
                            break
                if state.wave[i] != source:
                    break
        if not improved:
            break
    return list(state.wave), state.objective
