"""The rollout's schedules as django-celery-beat tasks, editable in the admin.

Created here once; coordinators may change their times or disable them in
the admin ("Periodic tasks"), and a later migrate does not undo that.
"""

from django.db import migrations

DIGEST = "Udrulning: ugentligt overblik til koordinatorerne"
SYNC = "Udrulning: følg den offentliggjorte bølgeplan"


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if not PeriodicTask.objects.filter(name=DIGEST).exists():
        monday, _ = CrontabSchedule.objects.get_or_create(
            minute="0",
            hour="7",
            day_of_week="1",
            day_of_month="*",
            month_of_year="*",
            timezone="Europe/Copenhagen",
        )
        PeriodicTask.objects.create(
            name=DIGEST,
            task="rollout.tasks.send_weekly_digest",
            crontab=monday,
            description=(
                "E-mails the coordinators the tasks that are blocked or more than "
                "ROLLOUT_OVERDUE_DAYS days overdue, and the open requests for sparring."
            ),
        )
    if not PeriodicTask.objects.filter(name=SYNC).exists():
        every, _ = IntervalSchedule.objects.get_or_create(every=10, period="minutes")
        PeriodicTask.objects.create(
            name=SYNC,
            task="rollout.tasks.sync_with_published_plan",
            interval=every,
            description=(
                "Creates each municipality's implementation when a wave plan is published "
                "and moves open due dates when a municipality changes wave."
            ),
        )


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[DIGEST, SYNC]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("rollout", "0001_template_implementations_tasks"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
