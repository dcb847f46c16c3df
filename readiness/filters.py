"""The filters of the coordinators' overview (django-filter)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from municipalities.models import Region

from .models import Response, ResponseStatus, ReviewStatus


class ReadinessFilter(django_filters.FilterSet):
    """Region, status, review, score range, and the submitted answer to each question.

    Works on `selectors.municipalities_with_readiness`; the answer filters
    are added per question of the questionnaire shown.
    """

    region = django_filters.ModelChoiceFilter(
        label=_("Region"), queryset=Region.objects.all(), empty_label=_("All regions")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ResponseStatus.choices, empty_label=_("All statuses")
    )
    review_status = django_filters.ChoiceFilter(
        label=_("Review"), choices=ReviewStatus.choices, empty_label=_("All")
    )
    score_min = django_filters.NumberFilter(
        field_name="score",
        lookup_expr="gte",
        label=_("Score from"),
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
    )
    score_max = django_filters.NumberFilter(
        field_name="score",
        lookup_expr="lte",
        label=_("Score to"),
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
    )

    def __init__(self, data=None, queryset=None, *, questionnaire, questions, **kwargs):
        self.questionnaire = questionnaire
        super().__init__(data, queryset, **kwargs)
        for question in questions:
            name = f"answer_{question.key}"
            self.filters[name] = django_filters.ChoiceFilter(
                label=question.localized("short_label"),
                choices=[(o.pk, o.localized("label")) for o in question.options.all()],
                empty_label=_("Any answer"),
                method="filter_answer",
            )
            self.filters[name].model = self.queryset.model
            self.filters[name].parent = self

    def filter_answer(self, queryset, name, value):
        codes = Response.objects.filter(
            questionnaire=self.questionnaire,
            submitted_revision__answers__option_id=value,
        ).values("municipality_id")
        return queryset.filter(code__in=codes)
