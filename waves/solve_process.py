"""The wave solver in a process of its own, so that it can be stopped.

`python -m waves.solve_process` reads a pickled `solver.PlanningProblem`
on stdin and writes the pickled `solver.PlanResult` on stdout. The
planning (waves/planning/runs.py) starts it and kills it when it overruns
its time limit. No Django here: the child imports only the pure solver.
"""

import pickle
import sys

from waves import solver


def main():
    problem = pickle.load(sys.stdin.buffer)  # noqa: S301 -- written by our own parent
    result = solver.solve(problem)
    sys.stdout.buffer.write(pickle.dumps(result))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
