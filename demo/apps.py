from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo users and data for trying the portal: never loaded in production."""

    name = "demo"
    verbose_name = _("Demo data")
