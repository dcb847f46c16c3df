"""Template filters shared by every app's pages."""

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
