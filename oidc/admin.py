from django.contrib import admin

from .models import Identity


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin):
    """Who signed in from which provider. Made by the sign-in, never typed
    in; deleting one unlinks it (the next sign-in makes a new account)."""

    list_display = ["user", "issuer", "subject", "created_at", "last_login_at"]
    list_filter = ["issuer"]
    search_fields = ["subject", "user__username", "user__email", "user__last_name"]
    list_select_related = ["user"]
    readonly_fields = ["user", "issuer", "subject", "created_at", "last_login_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
