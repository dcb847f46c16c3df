"""The coordinators' overview table and its Excel export."""

import django_tables2 as tables
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from fmkrollout.links import PerMunicipality

# The portal's one formula guard and renderer, shared by every export
# (`neutralise` is kept importable from here).
from fmkrollout.spreadsheets import Properties, table_sheet, workbook_response
from fmkrollout.spreadsheets import neutralise as neutralise
from fmkrollout.tables import PortalTable

from .models import ResponseStatus, ReviewStatus

STATUS_LABELS = dict(ResponseStatus.choices)
REVIEW_LABELS = dict(ReviewStatus.choices)
WISH_LABELS = {1: _("Q2 2014"), 2: _("Q3 2014"), 3: _("Q4 2014")}


class ReadinessTable(PortalTable):
    """One line per municipality.

    By default only the columns a coordinator scans by, so that the table
    fits the page; `all_columns=True` adds the code and the submitted answer
    to each scored question (the export always has them). The answer to the
    wish question is the "Own wish" column, so it is not repeated.
    """

    # Shown only with all columns; the order is that of the columns below.
    EXTRA_COLUMNS = ("code",)

    name = tables.Column(
        verbose_name=_("Municipality"), accessor="short_name", order_by=("short_name",)
    )
    code = tables.Column(verbose_name=_("Code"), attrs={"td": {"class": "number"}})
    region = tables.Column(verbose_name=_("Region"), accessor="region__name")
    status = tables.Column(verbose_name=_("Status"))
    score = tables.Column(
        verbose_name=_("Score"),
        attrs={"td": {"class": "number"}, "th": {"class": "number"}},
    )
    wish_wave = tables.Column(verbose_name=_("Own wish"))
    review_status = tables.Column(verbose_name=_("Review"))
    updated_at = tables.DateTimeColumn(
        verbose_name=_("Last saved"), format="SHORT_DATETIME_FORMAT"
    )

    class Meta:
        attrs = {"class": "table table--compact table--zebra readiness-overview-table"}
        order_by = ("name",)
        empty_text = _("No municipality matches the filters.")

    def __init__(self, *args, questions=(), all_columns=False, **kwargs):
        extra = []
        if all_columns:
            extra = [
                (
                    f"answer_{question.key}",
                    tables.Column(
                        verbose_name=question.localized("short_label"),
                        accessor=f"answer_{question.key}",
                        default="",
                        attrs={"td": {"class": "readiness-answer"}},
                    ),
                )
                for question in questions
                if question.is_scored
            ]
        else:
            kwargs.setdefault("exclude", self.EXTRA_COLUMNS)
        super().__init__(*args, extra_columns=extra, **kwargs)
        # The labels in this request's language, translated once rather
        # than once per row.
        self.status_labels = {key: str(label) for key, label in STATUS_LABELS.items()}
        self.wish_labels = {key: str(label) for key, label in WISH_LABELS.items()}
        self.review_labels = {key: str(label) for key, label in REVIEW_LABELS.items()}
        self.history_label = str(_("history"))
        self.answers_url = PerMunicipality("readiness:answers")
        self.history_url = PerMunicipality("readiness:history")

    def _nulls_last(self, queryset, field, is_descending):
        # Municipalities without a response sort after those with one, in
        # both directions and on every database.
        expression = (
            F(field).desc(nulls_last=True) if is_descending else F(field).asc(nulls_last=True)
        )
        return queryset.order_by(expression, "short_name"), True

    def order_score(self, queryset, is_descending):
        return self._nulls_last(queryset, "score", is_descending)

    def order_wish_wave(self, queryset, is_descending):
        return self._nulls_last(queryset, "wish_wave", is_descending)

    def order_updated_at(self, queryset, is_descending):
        return self._nulls_last(queryset, "updated_at", is_descending)

    def render_name(self, record):
        return format_html('<a href="{}">{}</a>', self.answers_url(record.code), record.short_name)

    def value_name(self, record):
        return record.short_name

    def render_status(self, value):
        return self.status_labels.get(value, value)

    def render_score(self, value):
        return number_format(value, 1)

    def value_score(self, value):
        return round(value, 1) if value is not None else None

    def render_wish_wave(self, value):
        return self.wish_labels.get(value, value)

    def render_region(self, value):
        # The column says "Region": "Syddanmark" is enough, and narrower.
        return value.removeprefix("Region ")

    def value_region(self, value):
        return value

    def render_review_status(self, value):
        return self.review_labels.get(value, "—")

    def value_review_status(self, value):
        return self.review_labels.get(value, "") if value else ""

    def value_updated_at(self, value):
        # Excel has no time zones: write the local time the page shows.
        return timezone.localtime(value).replace(tzinfo=None) if value else None

    def render_updated_at(self, record, value):
        # The time of the last save opens the history of the saves.
        if value is None:
            return "—"
        return format_html(
            '<a href="{}">{}<span class="visually-hidden"> ({})</span></a>',
            self.history_url(record.code),
            date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT"),
            self.history_label,
        )


def export_xlsx(table, *, title):
    """The table's rows (all of them, as filtered and sorted) as a streamed
    xlsx download, with the portal's one renderer: bold frozen header,
    auto-filter, widths, numbers and dates as such, formula text
    neutralised."""
    filename = f"{slugify(str(title))}-{timezone.localdate():%Y-%m-%d}.xlsx"
    return workbook_response(
        filename, [table_sheet(table, str(title))], properties=Properties(title=str(title))
    )
