"""Create the three role groups and give them their permissions."""

from django.db import migrations

from municipalities.roles import GROUP_NAMES, grant_app_permissions

# Third-party apps whose admin pages coordinators use: task results and the
# schedules (django-celery-beat), history of changes.
COORDINATOR_APPS = ["municipalities", "django_celery_results", "django_celery_beat"]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in GROUP_NAMES.values():
        Group.objects.get_or_create(name=name)
    for app_label in COORDINATOR_APPS:
        grant_app_permissions(apps, app_label, viewer_actions=())
    grant_app_permissions(apps, "municipalities")
    # Coordinators manage the users and their links, not the groups.
    grant_app_permissions(
        apps, "auth", coordinator_actions=("view", "add", "change"), viewer_actions=()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("municipalities", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_celery_results", "__latest__"),
        ("django_celery_beat", "__latest__"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
