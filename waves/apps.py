from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WavesConfig(AppConfig):
    name = "waves"
    verbose_name = _("Wave planning")

    def ready(self):
        # The readiness app cannot call us (it sits below this one), so it
        # sends a signal when answers or weights change; see
        # readiness/signals.py for the other end of the contract.
        from readiness.signals import planning_inputs_changed

        from .receivers import on_planning_inputs_changed

        planning_inputs_changed.connect(
            on_planning_inputs_changed, dispatch_uid="waves.planning_inputs_changed"
        )
