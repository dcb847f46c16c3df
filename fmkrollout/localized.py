"""Shipped rows that carry their text in Danish and in English.

Reference data (waves, the 2013 draft, questionnaire texts) is shown in the
reader's language: the Danish text in `<field>`, the English in
`<field>_en`, and Danish when no English was given.
"""

from django.utils.translation import get_language


class LocalizedTextMixin:
    """Danish text in `<field>`, English in `<field>_en`; pick by language."""

    def localized(self, field):
        if (get_language() or "da").startswith("en"):
            return getattr(self, f"{field}_en") or getattr(self, field)
        return getattr(self, field)
