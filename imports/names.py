"""Finding a municipality or region by what a spreadsheet calls it.

Spreadsheets name municipalities every which way: "Københavns Kommune",
"København", "KØBENHAVN  kommune", "0101", 101, "Aabenraa" or "Åbenrå",
"Bornholms Regionskommune". `MunicipalityIndex` accepts all of these and
refuses anything ambiguous; `RegionIndex` does the same for the five
regions ("Region Hovedstaden", "Hovedstaden", 1084).

Pure: built from plain tuples, so it is tested without a database.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

SUFFIXES = ("regionskommune", "kommune")


def name_key(text):
    """The form names are compared in: NFC, case-folded, single spaces,
    hyphens and dashes as spaces, "å" as "aa" (Åbenrå = Aabenraa)."""
    text = unicodedata.normalize("NFC", str(text))
    text = text.casefold().replace("å", "aa")
    text = re.sub(r"[\u2010-\u2015\-_.]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _without_suffix(key):
    for suffix in SUFFIXES:
        if key.endswith(" " + suffix):
            return key[: -len(suffix) - 1].strip()
    return key


def _name_variants(*names):
    """Every key a name is known by: as given, without "Kommune", and the
    genitive without its "s" ("Københavns Kommune" -> "københavn")."""
    keys = set()
    for name in names:
        key = name_key(name)
        bare = _without_suffix(key)
        keys.update({key, bare, f"{bare} kommune"})
        if bare.endswith("s"):
            keys.update({bare[:-1], f"{bare[:-1]} kommune"})
    return keys


def parse_code(value):
    """A code from a cell: 101, 101.0, "101", "0101"; None if not a code."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,5}\s*", value):
        return int(value)
    return None


@dataclass(frozen=True)
class Found:
    code: int | None
    name: str = ""
    error: str = ""


class MunicipalityIndex:
    """`records` are (code, official name, short name) tuples."""

    def __init__(self, records):
        self.names = {code: short for code, _official, short in records}
        self.official = {code: official for code, official, _short in records}
        claims = {}
        for code, official, short in records:
            for key in _name_variants(official, short):
                claims.setdefault(key, set()).add(code)
        # A key two municipalities could answer to is no key at all.
        self.by_key = {key: codes.pop() for key, codes in claims.items() if len(codes) == 1}

    def by_name(self, text):
        key = name_key(text)
        return self.by_key.get(key) or self.by_key.get(_without_suffix(key))

    def resolve(self, code_value=None, name_value=None):
        """The municipality a row means, from its code, its name, or both
        (which must then agree)."""
        has_code = code_value not in (None, "")
        has_name = name_value not in (None, "")
        if not has_code and not has_name:
            return Found(None, error=_("No municipality code or name."))
        code = None
        if has_code:
            code = parse_code(code_value)
            if code is None:
                return Found(
                    None,
                    error=_("“%(value)s” is not a municipality code.") % {"value": code_value},
                )
            if code not in self.names:
                return Found(
                    None, error=_("There is no municipality with code %(code)s.") % {"code": code}
                )
        if has_name:
            by_name = self.by_name(name_value)
            if by_name is None:
                return Found(
                    None, error=_("Unknown municipality “%(name)s”.") % {"name": name_value}
                )
            if code is not None and by_name != code:
                return Found(
                    None,
                    error=_("Code %(code)s is %(official)s, but the name says “%(name)s”.")
                    % {"code": code, "official": self.official[code], "name": name_value},
                )
            code = by_name
        return Found(code, self.names[code])


class RegionIndex:
    """`records` are (code, name) tuples, e.g. (1084, "Region Hovedstaden")."""

    def __init__(self, records):
        self.names = dict(records)
        self.by_key = {}
        for code, name in records:
            key = name_key(name)
            bare = key.removeprefix("region ").strip()
            for variant in (key, bare, f"region {bare}"):
                self.by_key[variant] = code

    def resolve(self, value):
        if value in (None, ""):
            return Found(None, error=_("No region."))
        code = parse_code(value)
        if code is None:
            code = self.by_key.get(name_key(value))
        if code not in self.names:
            return Found(None, error=_("Unknown region “%(name)s”.") % {"name": value})
        return Found(code, self.names[code])
