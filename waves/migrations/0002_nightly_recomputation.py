"""The nightly recomputation as a django-celery-beat task, editable in the admin.

Created here once; coordinators may change its time or disable it in the
admin ("Periodic tasks"), and a later migrate does not undo that.
"""

from django.db import migrations

TASK_NAME = "Bølgeplan: natlig genberegning"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=TASK_NAME).exists():
        return
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="2",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/Copenhagen",
    )
    PeriodicTask.objects.create(
        name=TASK_NAME,
        task="waves.tasks.recompute_wave_plan_nightly",
        crontab=schedule,
        description=(
            "Builds a new draft wave plan from the current inputs; makes none when "
            "nothing has changed since the current draft."
        ),
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("waves", "0001_waves_plans_inputs"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
