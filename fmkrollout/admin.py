"""Admin pages of the third-party apps: in the reader's language, and the
lockouts of django-axes for coordinators.

django-celery-beat lists schedules by their stored name, which is also the
key that the migrations creating them look them up by; the schedules the
portal ships are therefore named here in both languages. Coordinators see
who is locked out and unlock (remove the counted attempts) before the
lockout runs out.
"""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_celery_beat.admin import PeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask

# Stored name (readiness and waves migrations) -> the name readers see.
SHIPPED_SCHEDULES = {
    "Parathed: påmindelser om spørgeskemaet": _("Readiness: questionnaire reminders"),
    "Bølgeplan: natlig genberegning": _("Wave plan: nightly recomputation"),
    "Bølgeplan: genberegn når input er ændret": _("Wave plan: recompute when inputs change"),
    "Udrulning: ugentligt overblik til koordinatorerne": _(
        "Rollout: weekly digest for coordinators"
    ),
    "Udrulning: følg den offentliggjorte bølgeplan": _("Rollout: follow the published wave plan"),
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


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LockoutAdmin(AccessAttemptAdmin):
    actions = ["unlock", *AccessAttemptAdmin.actions]

    @admin.action(description=_("Unlock the selected users and addresses"), permissions=["delete"])
    def unlock(self, request, queryset):
        count = queryset.count()
        queryset.delete()
        messages.success(
            request,
            ngettext(
                "%(count)s locked login was unlocked.",
                "%(count)s locked logins were unlocked.",
                count,
            )
            % {"count": count},
        )
