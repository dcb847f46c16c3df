"""How much text a user may type into a free-text field, and saying so.

Every TextField a user fills in gets one of these limits, on the model (a
validator, so full_clean refuses more from every path) and on its form
field (max_length, which also sets the browser's maxlength), with the limit
in the help text. Without one, a 1 MB "reason" is stored and then shown,
e-mailed and exported everywhere.

Imports nothing from the portal's apps: every app may use it.
"""

from django.core.validators import MaxLengthValidator
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext

# Comments, reasons and notes: a paragraph or two.
COMMENT = 2_000
# Descriptions of a wish or a decision, a forum's mandate, introductions.
DESCRIPTION = 10_000
# Meeting agendas and minutes.
DOCUMENT = 50_000


def _limit_text(limit):
    return gettext("At most %(limit)s characters.") % {
        "limit": number_format(limit, force_grouping=True)
    }


limit_help_text = lazy(_limit_text, str)


def with_limit(help_text, limit):
    """`help_text` followed by the limit, translated when shown."""
    if not help_text:
        return limit_help_text(limit)
    return format_lazy("{} {}", help_text, limit_help_text(limit))


def text_field_options(limit, help_text=""):
    """Keyword arguments for a models.TextField limited to `limit`."""
    return {
        "max_length": limit,
        "validators": [MaxLengthValidator(limit)],
        "help_text": with_limit(help_text, limit),
    }
