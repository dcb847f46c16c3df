"""Celery tasks of the readiness app: thin wrappers around the services."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import services
from .models import WeightSet


@shared_task
def recompute_scores(weight_set_id: int) -> dict:
    """Recompute every score with a new weight set, then tell the wave planning.

    Idempotent: running it twice writes the same scores.
    """
    weight_set = WeightSet.objects.select_related("questionnaire").get(pk=weight_set_id)
    count = services.recompute_scores(weight_set=weight_set)
    return {"weight_set": weight_set.version, "scores": count}


@shared_task
def send_reminders() -> dict:
    """The daily reminder run (scheduled by django-celery-beat, see the admin).

    Safe to run more often: each person gets at most one e-mail a day.
    """
    return services.send_reminders(
        today=timezone.localdate(), days_before=settings.READINESS_REMINDER_DAYS_BEFORE
    )
