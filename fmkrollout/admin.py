"""Admin pages of the third-party apps, in the reader's language.

django-celery-beat lists schedules by their stored name, which is also the
key that the migrations creating them look them up by; the schedules the
portal ships are therefore named here in both languages.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_celery_beat.admin import PeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask

# Stored name (readiness and waves migrations) -> the name readers see.
SHIPPED_SCHEDULES = {
    "Parathed: påmindelser om spørgeskemaet": _("Readiness: questionnaire reminders"),
    "Bølgeplan: natlig genberegning": _("Wave plan: nightly recomputation"),
}


def schedule_label(task):
    return SHIPPED_SCHEDULES.get(task.name, task.name)


admin.site.unregister(PeriodicTask)


@admin.register(PeriodicTask)
class PortalPeriodicTaskAdmin(PeriodicTaskAdmin):
    list_display = ("label", *PeriodicTaskAdmin.list_display[1:])

    @admin.display(description=_("name"), ordering="name")
    def label(self, task):
        return schedule_label(task)
