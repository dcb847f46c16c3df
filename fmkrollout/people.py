"""How the portal names a person: the one rule for every page and export.

Rows keep who made them through a foreign key that becomes NULL when the
user is deleted (`on_delete=SET_NULL`), so that the history outlives the
account. Every place that shows such a person therefore has to say something
sensible for "nobody any more"; this module is where that is decided.
"""

from django.utils.translation import gettext as _


def display_name(user):
    """The user's full name, their username without one, or that they are gone."""
    if user is None:
        return _("a deleted user")
    return user.get_full_name() or user.get_username()
