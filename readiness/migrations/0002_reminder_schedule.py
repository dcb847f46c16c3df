"""The daily reminder run as a django-celery-beat task, editable in the admin.

Created here once; coordinators may change its time or disable it in the
admin ("Periodic tasks"), and a later migrate does not undo that.
"""

from django.db import migrations

TASK_NAME = "Parathed: påmindelser om spørgeskemaet"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=TASK_NAME).exists():
        return
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="8",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/Copenhagen",
    )
    PeriodicTask.objects.create(
        name=TASK_NAME,
        task="readiness.tasks.send_reminders",
        crontab=schedule,
        description=(
            "E-mails the project managers of municipalities that have not submitted, "
            "READINESS_REMINDER_DAYS_BEFORE days before the deadline, once a day at most."
        ),
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("readiness", "0001_questionnaire_responses_weights"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
