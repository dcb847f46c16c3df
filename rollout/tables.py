"""The rollout dashboard's table of every municipality (django-tables2)."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from fmkrollout.links import PerMunicipality
from fmkrollout.tables import PortalTable

from .selectors import phase_names

NUMBER = {"td": {"class": "number"}, "th": {"class": "number"}}


class ImplementationTable(PortalTable):
    name = tables.Column(
        verbose_name=_("Municipality"),
        accessor="municipality__short_name",
        order_by=("municipality__short_name",),
    )
    region = tables.Column(verbose_name=_("Region"), accessor="municipality__region__name")
    wave = tables.Column(verbose_name=_("Wave"), accessor="wave__number", attrs=NUMBER)
    vendor = tables.Column(
        verbose_name=_("EOJ vendor"),
        accessor="municipality__eoj_vendor__vendor__name",
        default="–",
    )
    phase = tables.Column(verbose_name=_("Phase"), empty_values=())
    percent = tables.Column(verbose_name=_("Done"), attrs=NUMBER, default=0)
    overdue = tables.Column(verbose_name=_("Overdue"), attrs=NUMBER)
    blocked = tables.Column(verbose_name=_("Blocked"), attrs=NUMBER)
    m1_reached_on = tables.DateColumn(verbose_name=_("M1"), format="d.m.Y", default="–")
    m2_reached_on = tables.DateColumn(verbose_name=_("M2"), format="d.m.Y", default="–")

    class Meta:
        attrs = {"class": "table table--compact table--zebra rollout-table"}
        order_by = ("name",)
        empty_text = _("No municipality matches the filters.")
        per_page = 50

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.phase_names = phase_names()
        self.municipality_url = PerMunicipality("rollout:municipality")

    def render_name(self, value, record):
        return format_html(
            '<a href="{}">{}</a>', self.municipality_url(record.municipality_id), value
        )

    def render_phase(self, value, record):
        if value is None:
            return _("all tasks closed")
        return f"{value}. {self.phase_names.get(value, '')}"

    def render_percent(self, value, record):
        return format_html(
            '<span class="progress-cell"><span class="progress-bar" aria-hidden="true">'
            '<span style="width:{}%"></span></span>{} %</span>',
            value or 0,
            value or 0,
        )
