"""Recompute when the inputs change, as a django-celery-beat task.

Replaces the readiness signal: every five minutes the task compares
today's inputs with the newest plan's fingerprints and queues a
recomputation only when they differ. Created once; coordinators may change
the interval or disable it in the admin ("Periodic tasks").
"""

from django.db import migrations

TASK_NAME = "Bølgeplan: genberegn når input er ændret"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=TASK_NAME).exists():
        return
    schedule, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.create(
        name=TASK_NAME,
        task="waves.tasks.recompute_if_inputs_changed",
        interval=schedule,
        description=(
            "Queues a recomputation of the wave plan when answers, weights, adoption "
            "figures, vendor limits, pins or capacities differ from the newest plan's; "
            "does nothing otherwise."
        ),
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("waves", "0004_plan_input_fingerprints"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
