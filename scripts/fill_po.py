"""Fill msgstr in a .po from a JSON dict {msgid: msgstr}; report what is left."""

import json
import sys

import polib

po = polib.pofile(sys.argv[1])
tr = json.load(open(sys.argv[2], encoding="utf-8"))
for e in po:
    if e.msgid in tr:
        e.msgstr = tr[e.msgid]
        if "fuzzy" in e.flags:
            e.flags.remove("fuzzy")
po.metadata["Language"] = "da"
po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
po.save()
left = [e.msgid for e in po if not e.msgstr and not e.obsolete]
print("untranslated:", left)
