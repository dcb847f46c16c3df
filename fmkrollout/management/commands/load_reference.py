from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

from municipalities.reference import DEFAULT_DIRECTORY, ReferenceDataError

# Each app loads its own shipped data from fixtures/, in dependency order.
# Every loader is idempotent (a second run changes nothing), refuses
# incomplete files with ReferenceDataError before writing, and returns a
# summary that prints as one line.
LOADERS = [
    "municipalities.reference.load_reference_data",
    "readiness.reference.load_questionnaires",
    "governance.reference.load_governance_data",
    "waves.reference.load_waves_and_draft",
    "rollout.reference.load_template",
]


class Command(BaseCommand):
    help = (
        "Load the shipped reference data from fixtures/: regions, municipalities and "
        "neighbours, the 2013 questionnaire, the waves and the 2013 draft plan, the "
        "governance fora, the implementation template (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--directory", default=str(DEFAULT_DIRECTORY))

    def handle(self, *args, directory, **options):
        try:
            with transaction.atomic():
                for dotted_path in LOADERS:
                    summary = import_string(dotted_path)(directory)
                    self.stdout.write(f"{dotted_path.split('.')[0]}: {summary}")
        except ReferenceDataError as error:
            raise CommandError(f"Reference data refused: {error}") from error
        self.stdout.write(self.style.SUCCESS("Reference data loaded."))
