from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from waves import exports
from waves.models import WavePlan


def find_plan(choice):
    """`current`: the published plan; `latest`: the newest plan of any
    status; otherwise a plan id."""
    if choice == "current":
        plan = WavePlan.objects.published().first()
        if plan is None:
            raise CommandError("No plan is published; use --plan latest or an id.")
        return plan
    if choice == "latest":
        plan = WavePlan.objects.order_by("-created_at", "-pk").first()
        if plan is None:
            raise CommandError("There are no wave plans.")
        return plan
    try:
        return WavePlan.objects.get(pk=int(choice))
    except (ValueError, WavePlan.DoesNotExist) as error:
        raise CommandError(
            f"No wave plan {choice!r}: give current, latest or an id (see wave_plans)."
        ) from error


class Command(BaseCommand):
    help = (
        "Export a wave plan as an Excel workbook: an overview, one sheet per wave, the "
        "changes against the previously published plan, and the readiness answers."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--plan",
            default="current",
            help="current (the published plan), latest (the newest of any status) or an id.",
        )
        parser.add_argument(
            "--output",
            help="The .xlsx file to write; by default the plan's file name in this directory.",
        )

    def handle(self, *args, plan, output, **options):
        chosen = find_plan(plan)
        path = Path(output or exports.filename(chosen))
        if path.parent and not path.parent.exists():
            raise CommandError(f"The directory {path.parent} does not exist.")
        with path.open("wb") as stream:
            exports.write_plan(chosen, stream)
        self.stdout.write(f"{chosen.pk} {chosen} ({chosen.get_status_display()}) -> {path}")
