"""Create the three role groups with the permissions that exist so far.

Models migrated later get their permissions granted after `migrate` by the
same function (municipalities.roles.sync_role_groups, on post_migrate).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from municipalities.roles import sync_role_groups


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; create those of
    # the apps migrated so far now, so the groups can be given them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("municipalities", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_celery_results", "__latest__"),
        ("django_celery_beat", "__latest__"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
