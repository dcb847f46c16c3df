"""Compare two wave plans: who moved from which wave to which, and why.

The reasons are the differences between the two plans' input snapshots:
a municipality's own figures (readiness, wish, adoption, vendor limit,
pin), the plan-wide weights and capacities, and neighbours that moved too.
A plan without recorded inputs (the 2013 draft) can be compared, but has
no reasons to offer.
"""

from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Wave

WEIGHT_LABELS = {
    "readiness": gettext_lazy("readiness"),
    "wish": gettext_lazy("own wish"),
    "gp_adoption": gettext_lazy("GP adoption"),
    "hospital_adoption": gettext_lazy("hospital adoption"),
    "split_neighbours": gettext_lazy("split neighbours"),
    "stability": gettext_lazy("stability"),
}


@dataclass
class Move:
    municipality: object
    from_wave: object
    to_wave: object
    reasons: list = field(default_factory=list)


@dataclass
class Comparison:
    left: object
    right: object
    moves: list
    unchanged: int
    plan_reasons: list
    figures: list  # (label, left value, right value)

    @property
    def moved(self):
        return len(self.moves)


def _fmt(value):
    if value is None:
        return "–"
    if isinstance(value, float):
        return number_format(value, 1)
    return str(value)


def _municipality_reasons(old, new):
    """Differences between one municipality's inputs in two snapshots."""
    if not old or not new:
        return []
    reasons = []
    if old.get("readiness") != new.get("readiness"):
        reasons.append(
            _("readiness %(old)s → %(new)s")
            % {"old": _fmt(old.get("readiness")), "new": _fmt(new.get("readiness"))}
        )
    if old.get("wish_wave") != new.get("wish_wave"):
        reasons.append(
            _("own wish %(old)s → %(new)s")
            % {"old": _fmt(old.get("wish_wave")), "new": _fmt(new.get("wish_wave"))}
        )
    for key, label in (("gp", _("GP adoption")), ("hospital", _("hospital adoption"))):
        before, after = (old.get(key) or {}).get("share"), (new.get(key) or {}).get("share")
        if before != after:
            reasons.append(
                _("%(what)s %(old)s → %(new)s")
                % {"what": label, "old": _fmt(before), "new": _fmt(after)}
            )
    if old.get("earliest_wave") != new.get("earliest_wave"):
        reasons.append(
            _("vendor's earliest wave %(old)s → %(new)s")
            % {"old": _fmt(old.get("earliest_wave")), "new": _fmt(new.get("earliest_wave"))}
        )
    old_pin, new_pin = old.get("pin"), new.get("pin")
    if old_pin != new_pin:
        if new_pin is None:
            reasons.append(_("unpinned"))
        else:
            reasons.append(
                _("pinned to wave %(wave)s: %(reason)s")
                % {"wave": new_pin["wave"], "reason": new_pin["reason"]}
            )
    return reasons


def compare_plans(left, right):
    """How `right` differs from `left` (e.g. left = published, right = draft)."""
    waves = {w.pk: w for w in Wave.objects.all()}
    rows = {
        plan.pk: {
            a.municipality_id: a for a in plan.assignments.select_related("municipality__region")
        }
        for plan in (left, right)
    }
    old_rows, new_rows = rows[left.pk], rows[right.pk]
    old_inputs = left.inputs.get("municipalities", {})
    new_inputs = right.inputs.get("municipalities", {})
    new_wave_of = {code: a.wave_id for code, a in new_rows.items()}
    old_wave_of = {code: a.wave_id for code, a in old_rows.items()}
    moved_codes = {code for code in new_rows if old_wave_of.get(code) != new_wave_of[code]}

    moves = []
    for code in sorted(moved_codes, key=lambda c: new_rows[c].municipality.short_name):
        new = new_rows[code]
        old = old_rows.get(code)
        reasons = _municipality_reasons(old_inputs.get(str(code)), new_inputs.get(str(code)))
        neighbours = set(new.explanation.get("neighbours_same", [])) | set(
            new.explanation.get("neighbours_other", [])
        )
        moved_neighbours = sorted(
            new_rows[n].municipality.short_name for n in neighbours & moved_codes
        )
        if moved_neighbours:
            reasons.append(
                _("neighbours moved too: %(names)s") % {"names": ", ".join(moved_neighbours)}
            )
        if not reasons and old_inputs and new_inputs:
            reasons.append(_("its own inputs are unchanged: it made room or followed others"))
        moves.append(
            Move(
                municipality=new.municipality,
                from_wave=waves.get(old.wave_id) if old else None,
                to_wave=waves[new.wave_id],
                reasons=reasons,
            )
        )

    plan_reasons = []
    if left.inputs.get("weights") and right.inputs.get("weights"):
        for key, label in WEIGHT_LABELS.items():
            before = left.inputs["weights"].get(key)
            after = right.inputs["weights"].get(key)
            if before != after:
                plan_reasons.append(
                    _("weight for %(what)s %(old)s → %(new)s")
                    % {"what": label, "old": _fmt(before), "new": _fmt(after)}
                )
    old_caps = {w["number"]: w["capacity"] for w in left.inputs.get("waves", [])}
    for wave in right.inputs.get("waves", []):
        before = old_caps.get(wave["number"])
        if before is not None and before != wave["capacity"]:
            plan_reasons.append(
                _("capacity of wave %(wave)s %(old)s → %(new)s")
                % {"wave": wave["number"], "old": before, "new": wave["capacity"]}
            )
    if not left.inputs.get("municipalities") or not right.inputs.get("municipalities"):
        plan_reasons.append(
            _(
                "One of the plans has no recorded inputs (a historical document): the moves "
                "cannot be explained by changed inputs."
            )
        )

    def figures_of(plan):
        summary = plan.summary or {}
        return {
            "splits": len(summary.get("split_pairs", [])),
            "wishes": f"{summary.get('wishes_met', 0)} / {summary.get('wishes_total', 0)}",
            "objective": plan.objective,
        }

    a, b = figures_of(left), figures_of(right)
    figures = [
        (_("Split neighbour pairs"), a["splits"], b["splits"]),
        (_("Wishes met"), a["wishes"], b["wishes"]),
        (_("Objective (points)"), _fmt(a["objective"]), _fmt(b["objective"])),
    ]
    for wave in sorted(waves.values(), key=lambda w: w.number):
        key = str(wave.number)
        use_a = (left.summary or {}).get("capacity_use", {}).get(key)
        use_b = (right.summary or {}).get("capacity_use", {}).get(key)
        figures.append(
            (
                _("%(wave)s: municipalities / capacity") % {"wave": wave},
                f"{use_a[0]} / {use_a[1]}" if use_a else "–",
                f"{use_b[0]} / {use_b[1]}" if use_b else "–",
            )
        )
    return Comparison(
        left=left,
        right=right,
        moves=moves,
        unchanged=len(new_rows) - len(moves),
        plan_reasons=plan_reasons,
        figures=figures,
    )
