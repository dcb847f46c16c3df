"""The Celery application.

Without CELERY_BROKER_URL the settings make every task run eagerly,
in-process, so the portal works on a laptop with nothing else running.
With a broker (Redis) a real worker runs the tasks and django-celery-beat
keeps the schedules in the database, editable in the admin.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fmkrollout.settings")

app = Celery("fmkrollout")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Modules of tasks that are not named tasks.py: the trade-off sweep
# (waves/frontier_tasks.py).
app.autodiscover_tasks(related_name="frontier_tasks")
