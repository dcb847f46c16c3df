"""The portal's three roles, as Django groups.

- Coordinators (KL/MedCom staff): the admin and everything in it.
- Project managers: their own municipality's pages and answers only.
- Viewers (regions, vendors, ...): read everything, change nothing.

The groups and their permissions are created by migrations (each app grants
its own models' permissions with `grant_app_permissions`), never by hand.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    PROJECT_MANAGER = "project_manager", _("Project manager")
    VIEWER = "viewer", _("Viewer")


# Group names as coordinators see them in the admin.
GROUP_NAMES = {
    Role.COORDINATOR: "Koordinatorer",
    Role.PROJECT_MANAGER: "Projektledere",
    Role.VIEWER: "Læsere",
}


def role_of(user):
    """The user's role, or None for anonymous users and users without one.

    Cached on the user object: a page asks several times per request.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if hasattr(user, "_fmk_role"):
        return user._fmk_role
    if user.is_superuser:
        role = Role.COORDINATOR
    else:
        names = set(user.groups.values_list("name", flat=True))
        role = next((r for r in Role if GROUP_NAMES[r] in names), None)
    user._fmk_role = role
    return role


def is_coordinator(user):
    return role_of(user) == Role.COORDINATOR


def grant_app_permissions(apps, app_label, *, coordinator_actions=None, viewer_actions=("view",)):
    """Give the role groups the permissions of one app's models.

    For use in a data migration (`apps` is the migration's app registry).
    Coordinators get every permission of the app unless `coordinator_actions`
    narrows it; viewers get "view" only. Permissions do not exist yet during
    the first migrate, so they are created here first.
    """
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config(app_label)
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label=app_label)
    coordinators, _ = Group.objects.get_or_create(name=GROUP_NAMES[Role.COORDINATOR])
    viewers, _ = Group.objects.get_or_create(name=GROUP_NAMES[Role.VIEWER])
    for perm in perms:
        action = perm.codename.split("_", 1)[0]
        if coordinator_actions is None or action in coordinator_actions:
            coordinators.permissions.add(perm)
        if action in viewer_actions:
            viewers.permissions.add(perm)
