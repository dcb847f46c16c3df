from django.core.management.base import BaseCommand
from django.utils import timezone

from waves.models import WavePlan


class Command(BaseCommand):
    help = "List the wave plans, newest first: id, name, status and when it was made."

    def handle(self, *args, **options):
        for plan in WavePlan.objects.order_by("-created_at", "-pk"):
            when = timezone.localtime(plan.created_at)
            self.stdout.write(f"{plan.pk}\t{plan}\t{plan.status}\t{when:%Y-%m-%d %H:%M}")
