from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WavesConfig(AppConfig):
    name = "waves"
    verbose_name = _("Wave planning")

    def ready(self):
        from django.db.backends.signals import connection_created

        from .planning import watch

        # Today's planning fingerprints are kept between requests until a
        # statement writes an input table (see waves.planning.watch).
        connection_created.connect(watch.install, dispatch_uid="waves-watch-inputs")
