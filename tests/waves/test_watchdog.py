"""Time limits that hold: a solve that runs out of time says so, and one
that overruns its limit is stopped (the solver in its child process)."""

import sys

import pytest

from waves import planning, solver
from waves.models import PlanRun, WavePlan

from .conftest import recompute

pytestmark = pytest.mark.django_db


@pytest.mark.watchdog
def test_the_solver_runs_in_its_own_process_and_gives_the_same_plan(demo_inputs, settings):
    assert settings.WAVES_SOLVER_WATCHDOG
    problem, _document = planning.gather_inputs()
    beats = []
    in_child = planning.solve(problem, heartbeat=lambda: beats.append(1))
    in_process = solver.solve(problem)
    assert in_child.status == "optimal"
    assert in_child.assignment == in_process.assignment


@pytest.mark.watchdog
def test_a_solver_that_overruns_its_limit_is_stopped(demo_inputs, settings, monkeypatch):
    # HiGHS once ran 17 minutes under a 120 s limit: stand in for it with a
    # child process that never answers.
    settings.WAVES_SOLVER_TIME_LIMIT = 0.5
    settings.WAVES_SOLVER_WATCHDOG_GRACE = 0.5
    monkeypatch.setattr(planning.runs, "HEARTBEAT_SECONDS", 0.2)
    monkeypatch.setattr(
        planning.runs, "SOLVE_COMMAND", [sys.executable, "-c", "import time; time.sleep(120)"]
    )
    run = recompute()
    assert run.status == PlanRun.Status.FAILED
    assert "blev standset efter" in run.message
    assert run.finished_at is not None
    assert not WavePlan.objects.drafts().exists()


def _result(status, **fields):
    return solver.PlanResult(status=status, solve_seconds=5.0, **fields)


def test_a_time_out_without_a_plan_says_so_and_is_not_called_infeasible(demo_inputs, monkeypatch):
    monkeypatch.setattr(planning.runs.solver, "solve", lambda problem: _result("timed_out"))
    run = recompute()
    assert run.status == PlanRun.Status.TIMED_OUT
    plan = run.plan
    assert plan.solver_status == WavePlan.SolverStatus.TIMED_OUT
    assert not plan.has_plan and not plan.is_publishable
    assert "inden for tidsgrænsen" in plan.solver_message
    assert "ikke det samme, som at ingen plan er mulig" in plan.solver_message
    assert WavePlan.objects.current_draft() is None


def test_a_time_out_with_a_plan_keeps_it_with_its_gap(demo_inputs, monkeypatch):
    real = solver.solve

    def out_of_time(problem):
        import dataclasses

        return dataclasses.replace(real(problem), status="feasible", gap=0.042)

    monkeypatch.setattr(planning.runs.solver, "solve", out_of_time)
    run = recompute()
    assert run.status == PlanRun.Status.SUCCEEDED
    plan = run.plan
    assert plan.solver_status == WavePlan.SolverStatus.FEASIBLE and plan.is_publishable
    assert plan.assignments.count() == 98
    assert "ingen plan kan være mere end 4,2 % bedre" in run.message


def test_failed_attempts_do_not_pile_up(draft, monkeypatch):
    monkeypatch.setattr(planning.runs.solver, "solve", lambda problem: _result("timed_out"))
    from waves.models import Pin, Wave

    for reason in ("a", "b", "c"):
        Pin.objects.update_or_create(
            municipality_id=101,
            scenario=None,
            defaults={"wave": Wave.objects.get(number=3), "reason": reason},
        )
        recompute()
    failed = WavePlan.objects.drafts().filter(solver_status__in=WavePlan.NO_PLAN)
    assert failed.count() == 1  # the newest attempt only
    assert WavePlan.objects.current_draft() == draft  # the plan coordinators had stays
