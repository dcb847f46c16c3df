from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import APIToken


class ActiveFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", _("active")), ("revoked", _("revoked"))]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(APIToken)
class APITokenAdmin(admin.ModelAdmin):
    """Coordinators see every token and revoke them; the token itself is
    never stored, so nobody can see it here."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [ActiveFilter]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__username", "user__first_name", "user__last_name"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at", "revoked_by"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        # Users make their own tokens on the account page, where they see it once.
        return False

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request, queryset):
        count = sum(
            services.revoke_token(token=token, by=request.user)
            for token in queryset.filter(revoked_at__isnull=True)
        )
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )
