from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

# Each app seeds its own demo data, in dependency order. Every seeder is
# deterministic and idempotent: running seed_demo twice gives the same data.
SEEDERS = [
    "municipalities.demo_data.seed",
    "readiness.demo_data.seed",
    "governance.demo_data.seed",
    "waves.demo_data.seed",
    "rollout.demo_data.seed",
]


class Command(BaseCommand):
    help = "Create the demo users and demo data (only with DEBUG on)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the logins.")

    def handle(self, *args, quiet_logins=False, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo refuses to run with DEBUG off: demo users with the password "
                "'demo' must never reach a production database."
            )
        with transaction.atomic():
            call_command("load_reference", stdout=self.stdout)
            for dotted_path in SEEDERS:
                summary = import_string(dotted_path)()
                self.stdout.write(f"{dotted_path.split('.')[0]}: {summary}")
        if not quiet_logins:
            from municipalities.demo_data import describe_logins

            self.stdout.write(self.style.SUCCESS(describe_logins()))
