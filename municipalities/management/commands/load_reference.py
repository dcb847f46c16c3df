from django.core.management.base import BaseCommand, CommandError

from municipalities.reference import DEFAULT_DIRECTORY, ReferenceDataError, load_reference_data


class Command(BaseCommand):
    help = (
        "Load the 5 regions, 98 municipalities and their neighbours from fixtures/ (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--directory", default=str(DEFAULT_DIRECTORY))

    def handle(self, *args, directory, **options):
        try:
            summary = load_reference_data(directory)
        except ReferenceDataError as error:
            raise CommandError(f"Reference data refused: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Reference data loaded: {summary}"))
