import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from fmkrollout.tables import PortalTable

from .models import Wish


class WishTable(PortalTable):
    reference = tables.Column(
        verbose_name=_("No."), accessor="pk", order_by=("pk",), attrs={"td": {"class": "nowrap"}}
    )
    title = tables.Column(verbose_name=_("Wish"), linkify=True)
    origin_forum = tables.Column(
        verbose_name=_("Raised in"),
        accessor="origin_forum__short_name",
        order_by=("origin_forum__position",),
    )
    status = tables.Column(verbose_name=_("Status"))
    is_technical = tables.BooleanColumn(verbose_name=_("Technical"), yesno=(_("yes"), _("no")))
    roadmap = tables.Column(
        verbose_name=_("Roadmap"),
        accessor="roadmap_label",
        order_by=("roadmap_year", "roadmap_quarter", "priority"),
    )
    priority = tables.Column(verbose_name=_("Priority"), attrs={"td": {"class": "number"}})
    raised_on = tables.DateColumn(verbose_name=_("Raised on"), format="SHORT_DATE_FORMAT")

    class Meta:
        model = Wish
        fields = [
            "reference",
            "title",
            "origin_forum",
            "status",
            "is_technical",
            "roadmap",
            "priority",
            "raised_on",
        ]
        attrs = {"class": "table table--compact"}
        empty_text = _("No wishes match the filter.")
        order_by = ("-raised_on",)

    def render_reference(self, record):
        return record.reference

    def render_status(self, record):
        return format_html(
            '<span class="wish-status wish-status--{}">{}</span>',
            record.status,
            record.get_status_display(),
        )
