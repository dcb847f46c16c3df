"""Admin building blocks shared by every app's admin."""

from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.http import Http404
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper


def object_or_404(model_admin, request, object_id):
    """The admin's object for a URL's `object_id`, or 404.

    The admin's catch-all URL hands any path to `change_view` ("2/genberegn"
    mistyped, say); `get_object` turns an id that is no id into None, where
    a plain `get(pk=...)` would raise ValueError and answer 500.
    """
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None:
        raise Http404(f"No {model_admin.opts.verbose_name} with the id {object_id!r}.")
    return obj


class ReadOnlyAdminMixin:
    """Coordinators may look but not add, change or delete.

    For rows that come from elsewhere: shipped reference data (loaded from
    fixtures/), answers given on the portal, records the system keeps (runs,
    reminders, imports). Their history stays readable in the admin.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HistoryContextHelper(HistoricalRecordContextHelper):
    """simple-history's change list, with an empty link shown as empty.

    simple-history reports a foreign key that was simply not set as a
    deleted row ("Deleted revision (pk=None)"); here it is "—", and a row
    that really was deleted keeps simple-history's wording.
    """

    def prepare_delta_change_value(self, change, value):
        if isinstance(value, DeletedObject) and value.pk is None:
            return "—"
        return super().prepare_delta_change_value(change, value)


class HistoryAdmin(SimpleHistoryAdmin):
    """The portal's SimpleHistoryAdmin: every app's history pages use it."""

    def get_historical_record_context_helper(self, request, historical_record):
        return HistoryContextHelper(self.model, historical_record)


class QuickActionCheckboxMixin:
    """The changelist's row checkbox written as Django's CheckboxInput
    renders it, without going through the form renderer's template for each
    row: that was a fifth of a 98-row changelist. tests/municipalities/
    test_admin_mixins.py checks it against Django's own."""

    def action_checkbox(self, obj):
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            format_html(_("Select this object for an action - {}"), str(obj)),
        )


class LabelledListEditableMixin:
    """Each input of a changelist's `list_editable` columns named by its
    column and row ("Capacity, Bølge 1"), as a screen reader needs it: the
    column header alone names none of them."""

    def get_changelist_formset(self, request, **kwargs):
        formset_class = super().get_changelist_formset(request, **kwargs)

        class LabelledFormSet(formset_class):
            def _construct_form(self, i, **kwargs):
                form = super()._construct_form(i, **kwargs)
                for name in self.labelled_fields:
                    field = form.fields[name]
                    field.widget.attrs["aria-label"] = _("%(column)s, %(row)s") % {
                        "column": capfirst(field.label),
                        "row": form.instance,
                    }
                return form

        LabelledFormSet.labelled_fields = list(self.list_editable)
        return LabelledFormSet
