"""Template filters shared by every app's pages."""

import datetime

from django import template

from fmkrollout.people import display_name

register = template.Library()


@register.filter
def person(user):
    """A person's name, or that the user was deleted (`people.display_name`).

    `{{ revision.created_by|person }}` never fails on a revision whose author
    is gone, where `created_by.get_full_name|default:created_by.username`
    would raise `VariableDoesNotExist`.
    """
    return display_name(user)


@register.filter
def from_iso(value):
    """An ISO date kept as text (in a plan's stored inputs) as a date.

    So that `{{ inputs.gp.measured_on|from_iso|date:"DATE_FORMAT" }}` shows it
    in the reader's date style instead of as "2013-11-15"; text that is not
    an ISO date is passed through unchanged.
    """
    if not isinstance(value, str):
        return value
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return value
