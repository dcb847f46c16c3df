"""Each committed .mo must say what its .po says (the setup runs no gettext)."""

from pathlib import Path

import polib
import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
PO_FILES = sorted(
    p
    for p in BASE_DIR.glob("**/locale/*/LC_MESSAGES/django.po")
    if ".venv" not in p.parts and "node_modules" not in p.parts
)


def test_there_are_danish_catalogues():
    assert any("/locale/da/" in str(p) for p in PO_FILES)


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda p: str(p.relative_to(BASE_DIR)))
def test_mo_matches_po(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run `make messages`"
    po = polib.pofile(str(po_path))
    mo = polib.mofile(str(mo_path))
    expected = {
        (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in po.translated_entries()
        if "fuzzy" not in e.flags
    }
    actual = {
        (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in mo
        if e.msgid
    }
    assert actual == expected, f"{mo_path} is out of date: run `make messages`"


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda p: str(p.relative_to(BASE_DIR)))
def test_every_danish_string_is_translated(po_path):
    po = polib.pofile(str(po_path))
    missing = [e.msgid for e in po.untranslated_entries() + po.fuzzy_entries()]
    assert not missing, f"{po_path} lacks Danish for: {missing[:10]}"
