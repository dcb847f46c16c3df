from django.core.management.base import BaseCommand, CommandError

from waves import planning
from waves.models import PlanRun, Scenario, WavePlan


class Command(BaseCommand):
    help = (
        "Queue a recomputation of the wave plan from the current inputs (a new draft) for "
        "the worker. With --wait, compute it here and now (or, when a recomputation is "
        "already running, wait for it) and print the outcome."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--wait", action="store_true", help="Compute in this process and print the outcome."
        )
        parser.add_argument("--reason", default="", help="Why (kept with the plan).")
        parser.add_argument("--scenario", help="Compute this named scenario instead.")

    def handle(self, *args, wait, reason, scenario, **options):
        chosen = None
        if scenario:
            chosen = Scenario.objects.filter(name=scenario).first()
            if chosen is None:
                raise CommandError(f"No scenario named {scenario!r}.")
        run = planning.request_recomputation(
            origin=WavePlan.Origin.MANUAL,
            reason=reason or "python manage.py recompute_waves",
            scenario=chosen,
            dispatch=not wait,
        )
        if not wait:
            self.stdout.write(f"Recomputation #{run.pk} queued for the worker.")
            return
        self.stdout.write(f"Recomputation #{run.pk} running...")
        run = planning.wait_for(run)
        self.stdout.write(f"{run.get_status_display()}: {run.message}")
        if run.plan_id:
            self.stdout.write(f"Plan #{run.plan_id}: {run.plan}")
        if run.status not in (PlanRun.Status.SUCCEEDED, PlanRun.Status.UNCHANGED):
            raise CommandError(f"Recomputation #{run.pk} ended as {run.status}.")
