from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MunicipalitiesConfig(AppConfig):
    name = "municipalities"
    verbose_name = _("Municipalities and regions")

    def ready(self):
        from django.db.models.signals import post_migrate

        from .roles import sync_role_groups_after_migrate

        # Runs after auth's own post_migrate handler has created the
        # permissions of each app, and grants them to the role groups.
        post_migrate.connect(sync_role_groups_after_migrate, dispatch_uid="sync_role_groups")
