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


# The groups' plural names in the reader's language; the stored names above
# stay as they are, because code and migrations look the groups up by them.
GROUP_LABELS = {
    GROUP_NAMES[Role.COORDINATOR]: _("Coordinators"),
    GROUP_NAMES[Role.PROJECT_MANAGER]: _("Project managers"),
    GROUP_NAMES[Role.VIEWER]: _("Viewers"),
}


def group_label(group):
    """A group's name as the reader says it: translated for the role groups."""
    return GROUP_LABELS.get(group.name, group.name)


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


def waiting_for_access_condition(user_model):
    """A condition on users: can sign in, but see nothing yet.

    Active, not superusers, and either without a role, or project managers
    linked to no municipality: the people a coordinator still has to give a
    role and a municipality (new accounts from the organisation sign-in
    start this way). Follows `role_of`: coordinator before project manager
    before viewer.
    """
    from .models import Membership

    groups = user_model.groups.through.objects.filter(user=models.OuterRef("pk"))

    def member_of(role):
        return models.Exists(groups.filter(group__name=GROUP_NAMES[role]))

    linked = models.Exists(Membership.objects.filter(user=models.OuterRef("pk")))
    project_manager = member_of(Role.PROJECT_MANAGER)
    return (
        models.Q(is_active=True, is_superuser=False)
        & ~member_of(Role.COORDINATOR)
        & ((project_manager & ~linked) | (~project_manager & ~member_of(Role.VIEWER)))
    )


def waiting_for_access(users):
    """The users of the queryset `users` who are waiting for access."""
    return users.filter(waiting_for_access_condition(users.model))


# Which permissions each group holds, by app label or "app_label.model":
# "*" is every permission, otherwise the actions (view, add, change,
# delete).
PERMISSION_POLICY = {
    Role.COORDINATOR: {
        "municipalities": "*",
        "readiness": "*",
        "waves": "*",
        "governance": "*",
        "rollout": "*",
        "django_celery_results": ("view", "delete"),
        "django_celery_beat": "*",
        # Failed logins and lockouts: coordinators see them and unlock.
        "axes": ("view", "delete"),
        # Organisation accounts: seen, and unlinked by deleting.
        "oidc": ("view", "delete"),
        # Coordinators manage users and give them a role, but may not change
        # what a role may do: the groups' permissions are the migrations'.
        "auth.user": ("view", "add", "change"),
        "auth.group": ("view",),
        # Everyone's API tokens: see them and revoke them (an update), never
        # add one for someone else or read a token (only digests are kept).
        "accounts": ("view", "change"),
    },
    Role.PROJECT_MANAGER: {},
    Role.VIEWER: {
        "municipalities": ("view",),
        "readiness": ("view",),
        "waves": ("view",),
        "governance": ("view",),
        "rollout": ("view",),
    },
}


def sync_role_groups(apps, app_labels=None):
    """Create the role groups and give them the permissions of the policy.

    Called by the migration that introduces the roles (with the historical
    app registry) and after every `migrate` (post_migrate), so that the
    permissions of models added later, and a database flushed by a test,
    end up with the same groups. Only adds: a permission a coordinator
    granted by hand in the admin stays.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, policy in PERMISSION_POLICY.items():
        group, _ = Group.objects.get_or_create(name=GROUP_NAMES[role])
        wanted = []
        for key, actions in policy.items():
            app_label, _dot, model = key.partition(".")
            if app_labels is not None and app_label not in app_labels:
                continue
            permissions = Permission.objects.filter(content_type__app_label=app_label)
            if model:
                permissions = permissions.filter(content_type__model=model)
            for perm in permissions:
                if actions == "*" or perm.codename.split("_", 1)[0] in actions:
                    wanted.append(perm)
        group.permissions.add(*wanted)


# Permissions that earlier versions of the policy gave coordinators and
# that let them rewrite the roles themselves; removed by a migration.
WITHDRAWN_FROM_COORDINATORS = {
    "auth": ("add_group", "change_group", "delete_group", "add_permission", "change_permission"),
}


def withdraw_role_permissions(apps):
    """Take the withdrawn permissions from the coordinators' group."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP_NAMES[Role.COORDINATOR]).first()
    if group is None:
        return
    for app_label, codenames in WITHDRAWN_FROM_COORDINATORS.items():
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )


def sync_role_groups_after_migrate(sender, **kwargs):
    from django.apps import apps as global_apps

    sync_role_groups(kwargs.get("apps") or global_apps, app_labels={sender.label})
