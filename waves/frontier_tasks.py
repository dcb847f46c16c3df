"""The trade-off sweep as a Celery task: a thin wrapper around the service.

In its own module so that it stays apart from the recomputation tasks;
`fmkrollout/celery.py` discovers it by name.
"""

from celery import shared_task

from . import frontier_services


@shared_task(
    autoretry_for=frontier_services.TRANSIENT_ERRORS,
    retry_backoff=5,
    retry_backoff_max=120,
    max_retries=5,
)
def sweep_split_weights(sweep_id):
    """Compute the queued trade-off sweep `sweep_id`."""
    sweep = frontier_services.run_sweep(sweep_id=sweep_id)
    return frontier_services.sweep_summary(sweep)
