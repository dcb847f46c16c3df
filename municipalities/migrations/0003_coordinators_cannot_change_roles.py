"""Coordinators keep managing users but no longer change the role groups.

The first policy gave the coordinators' group add/change on every model of
`auth`, groups and permissions included, so a coordinator could widen what
any role may do. The policy now names the user model alone; this takes the
group permissions back from databases migrated under the old one.
"""

from django.db import migrations

from municipalities.roles import withdraw_role_permissions


def withdraw(apps, schema_editor):
    withdraw_role_permissions(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("municipalities", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(withdraw, migrations.RunPython.noop)]
