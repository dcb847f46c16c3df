"""The one object-level rule: who may see and change which municipality.

Views call these helpers instead of filtering on their own, so the rule is
written once. Outsiders get 404 (no hint that another municipality's data
exists); signed-in users without the right role get 403.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Municipality
from .roles import Role, role_of


def get_municipality_for_user(user, code, *, for_edit=False):
    """The municipality with this code, if the user may see (or edit) it."""
    queryset = Municipality.objects.select_related("region")
    queryset = queryset.editable_by(user) if for_edit else queryset.visible_to(user)
    return get_object_or_404(queryset, code=code)


def role_required(*roles):
    """Let only users with one of `roles` in; anonymous users log in first."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if role_of(request.user) not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


any_role_required = role_required(*Role)
staff_roles_required = role_required(Role.COORDINATOR, Role.VIEWER)
coordinator_required = role_required(Role.COORDINATOR)
