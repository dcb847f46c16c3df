"""Admin building blocks shared by every app's admin."""


class ReadOnlyAdminMixin:
    """Coordinators may look but not add, change or delete.

    For rows that come from elsewhere: shipped reference data (loaded from
    fixtures/), answers given on the portal, records the system keeps (runs,
    reminders, imports). Their history stays readable in the admin.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
