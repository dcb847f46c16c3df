"""Celery tasks of the rollout: thin wrappers around the services."""

from celery import shared_task
from django.conf import settings

from . import clock, services


@shared_task
def sync_with_published_plan() -> dict:
    """Follow a newly published wave plan (every few minutes, django-celery-beat).

    Pages and commands also call the service before they read, so this
    only makes sure the implementations exist before anyone looks.
    """
    return services.sync_with_published_plan().summary()


@shared_task
def send_weekly_digest() -> dict:
    """The coordinators' weekly digest of blocked and overdue tasks."""
    services.sync_with_published_plan()
    return services.send_digest(today=clock.today(), overdue_days=settings.ROLLOUT_OVERDUE_DAYS)
