"""Demo users, one of each role, for trying the portal (seed_demo only)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from .models import Membership, Municipality
from .roles import GROUP_NAMES, Role

DEMO_PASSWORD = "demo"

# (username, full name, role, municipality codes)
DEMO_USERS = [
    ("koordinator", "Karen Koordinator (demo)", Role.COORDINATOR, []),
    ("laeser", "Lars Læser (demo)", Role.VIEWER, []),
    ("pl-101", "Projektleder København (demo)", Role.PROJECT_MANAGER, [101]),
    ("pl-751", "Projektleder Aarhus (demo)", Role.PROJECT_MANAGER, [751]),
    ("pl-461", "Projektleder Odense (demo)", Role.PROJECT_MANAGER, [461]),
    ("pl-851", "Projektleder Aalborg (demo)", Role.PROJECT_MANAGER, [851]),
    ("pl-825", "Projektleder Læsø (demo)", Role.PROJECT_MANAGER, [825]),
    # One person serving two small island municipalities.
    ("pl-oerne", "Projektleder Langeland og Ærø (demo)", Role.PROJECT_MANAGER, [482, 492]),
]


def seed():
    User = get_user_model()
    for username, full_name, role, codes in DEMO_USERS:
        first_name, _, last_name = full_name.partition(" ")
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@example.invalid",
                "is_staff": role == Role.COORDINATOR,
                "is_active": True,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        user.groups.set([Group.objects.get(name=GROUP_NAMES[role])])
        Membership.objects.filter(user=user).exclude(municipality__in=codes).delete()
        for municipality in Municipality.objects.filter(code__in=codes):
            Membership.objects.get_or_create(user=user, municipality=municipality)
    return f"{len(DEMO_USERS)} demo users"


def describe_logins():
    lines = ["", "Demo logins (password for all: demo):"]
    for username, full_name, role, _codes in DEMO_USERS:
        lines.append(f"  {username:<12} {Role(role).label:<16} {full_name}")
    return "\n".join(lines)
