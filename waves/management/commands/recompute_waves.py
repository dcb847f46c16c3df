import time

from django.core.management.base import BaseCommand, CommandError

from waves import planning
from waves.models import PlanRun, Scenario, WavePlan


class Command(BaseCommand):
    help = (
        "Queue a recomputation of the wave plan from the current inputs (a new draft). "
        "With --wait, wait until it has finished and print the outcome."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wait", action="store_true", help="Wait for the outcome.")
        parser.add_argument("--reason", default="", help="Why (kept with the plan).")
        parser.add_argument("--scenario", help="Compute this named scenario instead.")
        parser.add_argument(
            "--timeout", type=int, default=900, help="Seconds to wait with --wait."
        )

    def handle(self, *args, wait, reason, scenario, timeout, **options):
        chosen = None
        if scenario:
            chosen = Scenario.objects.filter(name=scenario).first()
            if chosen is None:
                raise CommandError(f"No scenario named {scenario!r}.")
        run = planning.request_recomputation(
            origin=WavePlan.Origin.MANUAL,
            reason=reason or "python manage.py recompute_waves",
            scenario=chosen,
        )
        self.stdout.write(f"Recomputation #{run.pk} queued.")
        if not wait:
            return
        deadline = time.monotonic() + timeout
        while True:
            run.refresh_from_db()
            if run.is_finished:
                break
            if time.monotonic() > deadline:
                raise CommandError(f"Recomputation #{run.pk} has not finished: {run.status}.")
            time.sleep(1)
        self.stdout.write(f"{run.get_status_display()}: {run.message}")
        if run.status in (PlanRun.Status.FAILED, PlanRun.Status.INFEASIBLE):
            raise CommandError(f"Recomputation #{run.pk} ended as {run.status}.")
