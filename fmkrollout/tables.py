"""The portal's base for django-tables2 tables.

django-tables2 renders every cell through `call_with_appropriate`, which
inspects the render method's signature for each cell, and recomputes each
column's `<td>` attributes per cell; with the template loop around them
that was ~80 % of the readiness overview (98 rows, 0.15 ms a cell). Here
the same cells are rendered with what does not change between rows worked
out once per column: the signature of `render_<column>` / `value_<column>`
and the cell attributes. Values, empty-value defaults, choices' display
names and links come from django-tables2 itself (`BoundRow`), so a cell
reads as django-tables2 would render it; tests/portal/test_tables.py checks
that, cell by cell, for every table of the portal.

The page template (`_partials/table.html`) draws the body from
`PortalTable.body_rows`; the exports read `as_values`.
"""

from django.utils.encoding import force_str
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django_tables2 import Column, Table
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.columns.manytomanycolumn import ManyToManyColumn
from django_tables2.utils import Accessor, signature


class _Caller:
    """A render or value method called with just the arguments it takes,
    its signature read once (django-tables2 reads it for every cell)."""

    def __init__(self, function):
        self.function = function
        self.arguments, catch_all = signature(function)
        self.passes_all = catch_all is not None

    def __call__(self, kwargs):
        if self.passes_all:
            return self.function(**kwargs)
        if any(name not in kwargs for name in self.arguments):
            return None
        return self.function(**{name: kwargs[name] for name in self.arguments})


def _lookup(table, bound_column):
    """How a column's cells get their value, decided once per column.

    django-tables2 asks for every cell whether the model field behind it
    has choices (then it shows `get_FOO_display()`). That depends on the
    model and the accessor only, so it is asked here once: such columns,
    link and many-to-many columns, and tables of plain lists keep
    django-tables2's own lookup; the rest resolve the accessor directly,
    which is what that lookup does for them.
    """
    column = bound_column.column
    model = getattr(table.data, "model", None)
    accessor = Accessor(bound_column.accessor)
    field = accessor.get_field(model) if model is not None else None
    if (
        model is None
        or getattr(field, "choices", None)
        or isinstance(column, (BaseLinkColumn, ManyToManyColumn))
    ):

        def lookup(row, render, default):
            return row._get_and_render_with(bound_column, render_func=render, default=default)

        return lookup

    empty_values = column.empty_values

    def lookup(row, render, default):
        try:
            value = accessor.resolve(row.record)
        except Exception:  # as django-tables2: a value it cannot reach is empty
            value = None
        if value in empty_values:
            return default
        return render(bound_column, value)

    return lookup


def _value_method(bound_column):
    """The export value method; a column class's default `value` (which
    calls `render` through django-tables2's per-cell signature lookup) is
    replaced by `render` itself, which is what it returns."""
    value = bound_column.value
    column = bound_column.column
    if getattr(value, "__func__", None) is Column.value and value.__self__ is column:
        return column.render
    return value


class _ColumnRenderer:
    """One column's cells of a page, with what is the same in every row
    worked out once."""

    def __init__(self, table, bound_column):
        self.bound_column = bound_column
        self.lookup = _lookup(table, bound_column)
        self.render = _Caller(bound_column.render)
        self.localize = bound_column.localize
        # Attributes given as callables depend on the cell; the rest is the
        # same for every cell of the column.
        sources = {**table.attrs, **bound_column.column.attrs}
        dynamic = any(
            callable(value)
            for key in ("td", "cell")
            for value in (sources.get(key) or {}).values()
        )
        self.td_attrs = None if dynamic else bound_column.attrs["td"].as_html()
        # Both are properties that django-tables2 works out anew for every
        # cell; a lazy default ("—") is translated here once, not per cell.
        self.link = bound_column.link
        default = bound_column.default
        self.default = str(default) if isinstance(default, Promise) else default

    def _call(self, row, value=None):
        kwargs = _cell_arguments(row, self.bound_column, value)
        content = self.render(kwargs)
        if self.link:
            return self.link(content, **kwargs)
        return content

    def cell(self, row):
        def render(bound_column, value=None):
            return self._call(row, value)

        content = self.lookup(row, render, self.default)
        if self.td_attrs is None:
            self.bound_column.current_value = content
            self.bound_column.current_record = row.record
            attrs = self.bound_column.attrs["td"].as_html()
        else:
            attrs = self.td_attrs
        # `attrs` is django-tables2's escaped attribute string.
        return f"<td {attrs}>{self._as_text(content)}</td>"

    def _as_text(self, content):
        # What `{{ cell }}` (or `|localize`, `|unlocalize`) does in the
        # template: local time, localised numbers and dates, escaped.
        if not isinstance(content, str):
            content = template_localtime(content)
            if self.localize is None:
                content = localize(content)
            else:
                content = localize(content, use_l10n=self.localize)
        return conditional_escape(content)


def _cell_arguments(row, bound_column, value):
    """The arguments django-tables2 offers a render or value method."""
    return {
        "value": value,
        "record": row.record,
        "column": bound_column.column,
        "bound_column": bound_column,
        "bound_row": row,
        "table": row.table,
    }


class PortalTable(Table):
    """A django-tables2 table whose page body and export values cost a
    fixed amount per column and a small one per cell."""

    def body_rows(self):
        """This page's rows as `<tr>` HTML, for `_partials/table.html`."""
        columns = [_ColumnRenderer(self, bound_column) for bound_column in self.columns]
        for row in self.paginated_rows:
            cells = "".join(column.cell(row) for column in columns)
            # Every part is escaped already (django-tables2's attributes, the
            # cells above).
            yield mark_safe(f"<tr {row.attrs.as_html()}>{cells}</tr>")

    def as_values(self, exclude_columns=None):
        """As django-tables2's `as_values` (a header row, then every row's
        export values), with each value method's signature read once."""
        exclude_columns = exclude_columns or ()
        columns = [
            column
            for column in self.columns.iterall()
            if not (column.column.exclude_from_export or column.name in exclude_columns)
        ]
        yield [force_str(column.header, strings_only=True) for column in columns]
        getters = [(_lookup(self, column), _Caller(_value_method(column))) for column in columns]
        for row in self.rows:
            yield [
                force_str(_export_value(row, lookup, caller), strings_only=True)
                for lookup, caller in getters
            ]


def _export_value(row, lookup, caller):
    def value_of(bound_column, value=None):
        return caller(_cell_arguments(row, bound_column, value))

    return lookup(row, value_of, None)
