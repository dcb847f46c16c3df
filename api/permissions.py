from rest_framework.permissions import BasePermission

from municipalities.roles import role_of


class HasRole(BasePermission):
    """Signed in (else 401) and holding one of the portal's roles (else 403),
    as `municipalities.access.any_role_required` for the pages. Which rows
    a role sees is each view's queryset, through the same `visible_to`."""

    def has_permission(self, request, view):
        return role_of(request.user) is not None
