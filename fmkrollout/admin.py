"""The lockouts of django-axes, for coordinators: see who is locked out,
and unlock (remove the counted attempts) before the lockout runs out."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

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
