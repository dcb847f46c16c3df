"""Accessible names for the admin's inputs that Django leaves unlabelled.

A tabular inline shows its field labels once, as column headers; a screen
reader (and axe-core) needs each input named on its own. The admin's
template overrides (templates/admin/edit_inline/tabular.html) use this.
"""

from django import forms, template
from django.utils.text import capfirst
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def labelled_field(bound_field, row=None):
    """The field's input, named by its column and its row: "Reason, Odense".

    A split date and time names its two inputs itself
    (templates/admin/widgets/split_datetime.html).
    """
    if isinstance(bound_field.field.widget, forms.MultiWidget):
        return str(bound_field)
    label = capfirst(bound_field.label)
    name = _("%(column)s, %(row)s") % {"column": label, "row": row or _("new row")}
    html = bound_field.as_widget(attrs={"aria-label": name})
    if bound_field.field.show_hidden_initial:
        html += bound_field.as_hidden(only_initial=True)
    return html
