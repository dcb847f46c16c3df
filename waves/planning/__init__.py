"""Recompute the wave plan: read the inputs, run the solver, save the plan.

The one path every trigger takes, split by job:

- `inputs`: gathering the solver's problem once, the snapshot stored with
  a plan, and the fingerprints that tell whether a plan is out of date;
- `runs`: queueing and joining runs, the lock, the watchdog around the
  solver, and `run_recomputation` itself;
- `saving`: writing a plan and its assignments in one transaction, and
  recounting a plan moved by hand with the solver's own `evaluate`;
- `wording`: the sentences coordinators read, composed when shown.

Nothing here knows about HTTP; views, admin actions, tasks and commands
call these functions.
"""

from .inputs import (
    INPUT_GROUPS,
    CurrentInputs,
    Freshness,
    freshness,
    gather_inputs,
    problem_from_snapshot,
    solver_time_limit,
)
from .runs import (
    TRANSIENT_ERRORS,
    PlanningBusy,
    RunInProgress,
    dead_after,
    latest_plan,
    reap_dead_runs,
    recompute_if_inputs_changed,
    request_recomputation,
    resend_waiting_runs,
    run_recomputation,
    run_summary,
    send,
    solve,
    unfinished_runs,
    wait_for,
)
from .saving import recount_plan, save_plan
from .wording import (
    annotate_freshness,
    describe_changes,
    describe_conflicts,
    describe_for_project_managers,
    describe_result,
    describe_run_changes,
    describe_solver_status,
    explain_for_project_managers,
)

__all__ = [
    "INPUT_GROUPS",
    "TRANSIENT_ERRORS",
    "annotate_freshness",
    "CurrentInputs",
    "Freshness",
    "PlanningBusy",
    "RunInProgress",
    "dead_after",
    "describe_changes",
    "describe_conflicts",
    "describe_for_project_managers",
    "describe_result",
    "describe_run_changes",
    "describe_solver_status",
    "explain_for_project_managers",
    "freshness",
    "gather_inputs",
    "latest_plan",
    "problem_from_snapshot",
    "reap_dead_runs",
    "recompute_if_inputs_changed",
    "recount_plan",
    "request_recomputation",
    "run_recomputation",
    "resend_waiting_runs",
    "run_summary",
    "save_plan",
    "send",
    "solve",
    "solver_time_limit",
    "unfinished_runs",
    "wait_for",
]
