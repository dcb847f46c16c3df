"""The API's filters (django-filter), by the codes and numbers clients know:
region code, wave number, phase number."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from governance.models import Decision, Meeting
from municipalities.models import Municipality
from readiness.models import ResponseStatus
from rollout.models import Implementation
from rollout.selectors import DONE_PHASE
from waves.models import Assignment, WavePlan


class CodeFilter(django_filters.NumberFilter):
    """A whole number such as a code or a wave number; anything else, or one
    no database column can hold, is a 400 rather than a failed query."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 2**31 - 1)
        super().__init__(*args, **kwargs)


class MunicipalityFilter(django_filters.FilterSet):
    region = CodeFilter(field_name="region", label=_("Region code"))

    class Meta:
        model = Municipality
        fields = ["region"]


class ReadinessFilter(django_filters.FilterSet):
    region = CodeFilter(field_name="region", label=_("Region code"))
    status = django_filters.ChoiceFilter(
        choices=ResponseStatus.choices, label=_("Status"), method="filter_status"
    )

    class Meta:
        model = Municipality
        fields = ["region", "status"]

    def filter_status(self, queryset, name, value):
        # `status` is annotated by readiness.selectors ("not_started" without a response).
        return queryset.filter(status=value)


class WavePlanFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=WavePlan.Status.choices, label=_("Status"))

    class Meta:
        model = WavePlan
        fields = ["status"]


class AssignmentFilter(django_filters.FilterSet):
    wave = CodeFilter(field_name="wave__number", label=_("Wave number"))
    region = CodeFilter(field_name="municipality__region", label=_("Region code"))

    class Meta:
        model = Assignment
        fields = ["wave", "region"]


class RolloutFilter(django_filters.FilterSet):
    """As the dashboard's table (rollout.filters): region, wave, phase and
    "has overdue tasks", on `selectors.implementations_for_table`."""

    region = CodeFilter(field_name="municipality__region", label=_("Region code"))
    wave = CodeFilter(field_name="wave__number", label=_("Wave number"))
    phase = CodeFilter(method="filter_phase", label=_("Phase number (99: all tasks closed)"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("With overdue tasks"))

    class Meta:
        model = Implementation
        fields = ["region", "wave", "phase", "overdue"]

    def filter_phase(self, queryset, name, value):
        if int(value) == DONE_PHASE:
            return queryset.filter(phase__isnull=True)
        return queryset.filter(phase=int(value))

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue__gt=0) if value else queryset.filter(overdue=0)


class MeetingFilter(django_filters.FilterSet):
    forum = django_filters.CharFilter(field_name="forum__slug", label=_("Forum key"))
    starts_after = django_filters.IsoDateTimeFilter(
        field_name="starts_at", lookup_expr="gte", label=_("Starts at or after")
    )
    starts_before = django_filters.IsoDateTimeFilter(
        field_name="starts_at", lookup_expr="lt", label=_("Starts before")
    )

    class Meta:
        model = Meeting
        fields = ["forum", "starts_after", "starts_before"]


class DecisionFilter(django_filters.FilterSet):
    forum = django_filters.CharFilter(field_name="meeting__forum__slug", label=_("Forum key"))
    meeting = CodeFilter(field_name="meeting", label=_("Meeting"))
    kind = django_filters.ChoiceFilter(choices=Decision.Kind.choices, label=_("Kind"))

    class Meta:
        model = Decision
        fields = ["forum", "meeting", "kind"]
