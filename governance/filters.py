import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import wish_flow
from .models import STATUS_CHOICES, Forum, Wish


class WishFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=STATUS_CHOICES, empty_label=_("all")
    )
    origin_forum = django_filters.ModelChoiceFilter(
        label=_("Raised in"),
        queryset=Forum.objects.filter(kind__in=wish_flow.ORIGIN_FORUM_KINDS),
        empty_label=_("all"),
    )
    is_technical = django_filters.ChoiceFilter(
        label=_("Technical change"),
        choices=[("1", _("yes")), ("0", _("no"))],
        empty_label=_("all"),
        method="technical",
    )
    roadmap_year = django_filters.NumberFilter(
        label=_("Roadmap year"), widget=forms.NumberInput(attrs={"min": 2000, "max": 2100})
    )

    class Meta:
        model = Wish
        fields = ["q", "status", "origin_forum", "is_technical", "roadmap_year"]

    def search(self, queryset, name, value):
        value = value.strip()
        if value.upper().startswith("Ø-") and value[2:].isdigit():
            return queryset.filter(pk=int(value[2:]))
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def technical(self, queryset, name, value):
        return queryset.filter(is_technical=value == "1")
