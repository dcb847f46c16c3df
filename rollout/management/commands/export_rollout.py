from django.core.management.base import BaseCommand

from rollout import clock, exports, services


class Command(BaseCommand):
    help = (
        "Write the rollout workbook: an overview sheet per wave (one row per "
        "municipality) and a sheet of all tasks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="The .xlsx file to write.")

    def handle(self, *args, output, **options):
        services.sync_with_published_plan()
        today = clock.today()
        exports.write_rollout_workbook(output, today=today)
        self.stdout.write(self.style.SUCCESS(f"Rollout workbook written to {output} ({today})."))
