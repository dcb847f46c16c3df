"""The filters of the rollout dashboard's table (django-filter)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from municipalities.models import Region
from waves.models import Vendor, Wave

from .selectors import DONE_PHASE, phase_names


class ImplementationFilter(django_filters.FilterSet):
    """Region, wave, phase, EOJ vendor and "has overdue tasks".

    Works on `selectors.implementations_for_table`, whose annotations
    (`phase`, `overdue`) the phase and overdue filters use.
    """

    region = django_filters.ModelChoiceFilter(
        field_name="municipality__region",
        label=_("Region"),
        queryset=Region.objects.all(),
        empty_label=_("All regions"),
    )
    wave = django_filters.ModelChoiceFilter(
        label=_("Wave"), queryset=Wave.objects.all(), empty_label=_("All waves")
    )
    phase = django_filters.ChoiceFilter(
        label=_("Phase"), choices=[], empty_label=_("All phases"), method="filter_phase"
    )
    vendor = django_filters.ModelChoiceFilter(
        field_name="municipality__eoj_vendor__vendor",
        label=_("EOJ vendor"),
        queryset=Vendor.objects.all(),
        empty_label=_("All vendors"),
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue"),
        choices=[("yes", _("with overdue tasks")), ("no", _("nothing overdue"))],
        empty_label=_("All"),
        method="filter_overdue",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(n), f"{n}. {name}") for n, name in phase_names().items()]
        choices.append((str(DONE_PHASE), _("all tasks closed")))
        self.filters["phase"].extra["choices"] = choices

    def filter_phase(self, queryset, name, value):
        if int(value) == DONE_PHASE:
            return queryset.filter(phase__isnull=True)
        return queryset.filter(phase=int(value))

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue__gt=0) if value == "yes" else queryset.filter(Q(overdue=0))
