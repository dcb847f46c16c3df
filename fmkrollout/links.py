"""Addresses that differ only in a municipality's code, reversed once.

A table or map links each of its rows to a page of that municipality:
reverse() for each of them was a fifth of the plan page at 5,000
municipalities and of the readiness overview at 98. The address is
reversed once with a placeholder code, and each row's is that string with
its code put in.
"""

from django.urls import reverse

# Far outside any municipality code, and a valid one for the converters.
_PLACEHOLDER = 987654


class PerMunicipality:
    """`links = PerMunicipality("readiness:answers")`; `links(461)` is
    `reverse("readiness:answers", args=[461])`. Arguments before the code
    (a plan's pk, say) are given after the view name."""

    def __init__(self, viewname, *leading_args):
        address = reverse(viewname, args=[*leading_args, _PLACEHOLDER])
        # The code is the last argument, so its placeholder is the last one
        # (a plan's pk could spell the same digits).
        self._before, _placeholder, self._after = address.rpartition(str(_PLACEHOLDER))

    def __call__(self, code):
        return f"{self._before}{code}{self._after}"
