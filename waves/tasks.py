"""Celery tasks of the wave planning: thin wrappers around the services.

Ids in, a small summary out. The services are atomic and idempotent, so a
retried or redelivered task never leaves half a plan; the retry policy
lives here.
"""

from celery import shared_task
from django.utils import timezone
from django.utils.translation import gettext as _

from . import planning, services
from .models import PlanRun, WavePlan


@shared_task(
    bind=True,
    autoretry_for=planning.TRANSIENT_ERRORS,
    retry_backoff=5,
    retry_backoff_max=120,
    max_retries=5,
)
def recompute_wave_plan(self, run_id):
    """Build a new draft plan for the queued run `run_id`."""
    try:
        run = planning.run_recomputation(run_id=run_id)
    except planning.RunInProgress:
        # Another live process computes this very run and will finish it.
        return {"run": run_id, "status": PlanRun.Status.RUNNING}
    except planning.PlanningBusy as busy:
        if self.request.is_eager or self.request.retries >= 40:
            # Nobody would pick an eager retry up later: say so instead.
            PlanRun.objects.filter(pk=run_id, status=PlanRun.Status.QUEUED).update(
                status=PlanRun.Status.FAILED,
                finished_at=timezone.now(),
                message=_("Another recomputation was running; start this one again later."),
            )
            return {"run": run_id, "status": PlanRun.Status.FAILED}
        # Wait for the other run; this one then finds the inputs unchanged
        # or computes what changed since.
        raise self.retry(exc=busy, countdown=15, max_retries=40) from busy
    return planning.run_summary(run)


@shared_task
def recompute_if_inputs_changed():
    """Every few minutes (django-celery-beat, see migration 0005): queue a
    recomputation when today's inputs differ from the newest plan's."""
    run = planning.recompute_if_inputs_changed()
    return {"run": run.pk if run else None}


@shared_task
def recompute_wave_plan_nightly():
    """The nightly schedule (django-celery-beat, see migration 0002)."""
    run = planning.request_recomputation(
        origin=WavePlan.Origin.NIGHTLY, reason=_("Nightly recomputation"), dispatch=False
    )
    return recompute_wave_plan.apply(args=[run.pk]).get()


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def notify_wave_changes(plan_id, previous_id=None):
    """E-mail the project managers whose wave changed on publication."""
    plan = WavePlan.objects.get(pk=plan_id)
    previous = WavePlan.objects.filter(pk=previous_id).first() if previous_id else None
    return {"sent": services.send_wave_change_emails(plan=plan, previous=previous)}
