"""How the planning tells people what happened, in their words.

Plans and runs store facts (conflicts as data, the input groups that
changed, each municipality's explanation); the sentences are composed here
when a page is rendered, so a Danish reader and an English reader each get
their own language. Coordinators and viewers read the solver's terms and
figures; project managers read the same facts in plain words
(`explain_for_project_managers`), without points, objectives or solver
status.
"""

from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

GROUP_LABELS = {
    "readiness": gettext_lazy("readiness answers"),
    "adoption": gettext_lazy("GP and hospital adoption figures"),
    "vendors": gettext_lazy("EOJ vendors' earliest waves"),
    "pins": gettext_lazy("pins"),
    "capacities": gettext_lazy("wave capacities"),
    "weights": gettext_lazy("planning weights"),
    "municipalities": gettext_lazy("municipalities and neighbours"),
}


def describe_changes(freshness):
    """The coordinator's sentence on what changed since a plan was made."""
    if freshness is None or not freshness.is_out_of_date:
        return ""
    if freshness.unknown:
        return _("The plan was made before the portal recorded its inputs: recompute it.")
    labels = [str(GROUP_LABELS[g]) for g in freshness.changed]
    text = _("Changed since the plan was made: %(inputs)s.") % {"inputs": ", ".join(labels)}
    if freshness.changed_answers:
        names = list(freshness.changed_answers)
        shown = ", ".join(names[:10])
        if len(names) > 10:
            shown += " " + _("and %(count)s more") % {"count": len(names) - 10}
        text += " " + ngettext(
            "New answers from %(names)s.", "New answers from %(names)s.", len(names)
        ) % {"names": shown}
    return text


def describe_run_changes(groups):
    """What made an automatic run start (its `changed_inputs`)."""
    labels = [str(GROUP_LABELS[g]) for g in groups if g in GROUP_LABELS]
    if not labels:
        return ""
    return _("Changed inputs: %(inputs)s.") % {"inputs": ", ".join(labels)}


def describe_solver_status(plan):
    """The plan's status as a coordinator reads it, with the gap when the
    time limit ran out before optimality was proven.

    The gap is HiGHS's: (cost - proven lower bound) / cost. What it proves is
    that no plan costs less than (1 - gap) times this one, so that is what
    the sentence says; not "within N % of the best", which would read a weak
    bound (73 % on the near-identical map, where the plan is 2 % off the
    optimum) as a bad plan."""
    if plan.solver_status == plan.SolverStatus.FEASIBLE and plan.gap is not None:
        return _("feasible, not proven best: no plan can be more than %(gap)s %% better") % {
            "gap": number_format(100 * plan.gap, 1),
        }
    return plan.get_solver_status_display()


def describe_timeout(seconds):
    return _(
        "No plan was found within the time limit of %(seconds)s s. This is not the same "
        "as no plan being possible: raise WAVES_SOLVER_TIME_LIMIT or recompute later."
    ) % {"seconds": f"{seconds:g}"}


def describe_watchdog(seconds):
    return _(
        "The solver did not stop at its time limit and was stopped after %(seconds)s s; "
        "no plan was saved. Recompute, or raise WAVES_SOLVER_TIME_LIMIT."
    ) % {"seconds": f"{seconds:.0f}"}


def _name(code, document):
    return document.get("municipalities", {}).get(str(code), {}).get("name", str(code))


def _wave_name(number, document):
    waves = {w["number"]: w for w in document.get("waves", [])}
    return str(waves.get(number, {}).get("name", number))


def _names(codes, document):
    municipalities = document.get("municipalities", {})
    return ", ".join(municipalities.get(str(c), {}).get("name", str(c)) for c in codes)


def describe_conflicts(conflicts, document):
    """The coordinator's explanation of why no plan exists, naming the pins,
    vendor limits and capacities that collide."""
    waves = {w["number"]: w for w in document.get("waves", [])}
    municipalities = document.get("municipalities", {})
    lines = []
    for conflict in conflicts:
        if conflict["kind"] == "pin_vendor_limit":
            item = municipalities.get(str(conflict["code"]), {})
            pinned, earliest = conflict["waves"]
            lines.append(
                _(
                    "%(name)s is pinned to wave %(pinned)s, but its EOJ vendor %(vendor)s "
                    "cannot support it before wave %(earliest)s. Move the pin or override "
                    "the vendor's limit."
                )
                % {
                    "name": item.get("name", conflict["code"]),
                    "pinned": pinned,
                    "vendor": item.get("vendor") or "?",
                    "earliest": earliest,
                }
            )
        elif conflict["kind"] == "capacity":
            wave_names = ", ".join(str(waves.get(w, {}).get("name", w)) for w in conflict["waves"])
            text = ngettext(
                "%(waves)s has room for %(capacity)s municipalities, but %(demand)s can only "
                "go there.",
                "%(waves)s have room for %(capacity)s municipalities together, but "
                "%(demand)s can only go there.",
                len(conflict["waves"]),
            ) % {
                "waves": wave_names,
                "capacity": conflict["capacity"],
                "demand": conflict["demand"],
            }
            if conflict["pinned"]:
                text += " " + _("Pinned: %(names)s.") % {
                    "names": _names(conflict["pinned"], document)
                }
            if conflict["limited"]:
                text += " " + _("Held back by their EOJ vendor's earliest wave: %(names)s.") % {
                    "names": _names(conflict["limited"], document)
                }
            text += " " + _("Remove pins, override vendor limits or raise the capacity.")
            lines.append(text)
        elif conflict["kind"] == "over_capacity":
            lines.append(
                _("%(wave)s has room for %(capacity)s municipalities but holds %(demand)s.")
                % {
                    "wave": _wave_name(conflict["waves"][0], document),
                    "capacity": conflict["capacity"],
                    "demand": conflict["demand"],
                }
            )
        elif conflict["kind"] == "before_vendor_limit":
            wave, earliest = conflict["waves"]
            item = municipalities.get(str(conflict["code"]), {})
            lines.append(
                _(
                    "%(name)s is in %(wave)s, but its EOJ vendor %(vendor)s cannot support it "
                    "before %(earliest)s."
                )
                % {
                    "name": _name(conflict["code"], document),
                    "wave": _wave_name(wave, document),
                    "vendor": item.get("vendor") or "?",
                    "earliest": _wave_name(earliest, document),
                }
            )
        elif conflict["kind"] == "not_in_pinned_wave":
            wave, pinned = conflict["waves"]
            lines.append(
                _("%(name)s is in %(wave)s, but it is pinned to %(pinned)s.")
                % {
                    "name": _name(conflict["code"], document),
                    "wave": _wave_name(wave, document),
                    "pinned": _wave_name(pinned, document),
                }
            )
        elif conflict["kind"] == "unassigned":
            lines.append(
                _("%(name)s is in no wave of the plan.")
                % {"name": _name(conflict["code"], document)}
            )
        else:
            lines.append(
                _("%(name)s refers to wave %(wave)s, which does not exist.")
                % {
                    "name": municipalities.get(str(conflict["code"]), {}).get(
                        "name", conflict["code"]
                    ),
                    "wave": conflict["waves"][0] if conflict["waves"] else "?",
                }
            )
    return "\n".join(lines)


def describe_result(plan):
    summary = plan.summary
    return _(
        "%(plan)s: %(status)s, %(splits)s split neighbour pairs, %(met)s of %(wishes)s "
        "wishes met, solved in %(seconds).1f s."
    ) % {
        "plan": plan,
        "status": describe_solver_status(plan),
        "splits": len(summary.get("split_pairs", [])),
        "met": summary.get("wishes_met", 0),
        "wishes": summary.get("wishes_total", 0),
        "seconds": plan.solve_seconds or 0,
    }


def describe_for_project_managers(freshness):
    """What a project manager is told: that a new plan is being prepared,
    never which other municipality changed its answers."""
    if freshness is None or not freshness.is_out_of_date:
        return ""
    return _(
        "Some of the information behind this plan has changed since it was made; the "
        "coordinators are preparing a new plan. The waves shown hold until a new plan is "
        "published."
    )


def annotate_freshness(plans, *, staff):
    """Give each plan `is_out_of_date`, `freshness_note` and
    `freshness_badge` for the pages: the coordinator's words for staff, the
    plain ones for project managers. Today's inputs are gathered once for
    all of them."""
    from .inputs import CurrentInputs, freshness

    current = CurrentInputs()
    for plan in plans:
        state = freshness(plan, current=current, with_names=staff)
        plan.is_out_of_date = bool(state and state.is_out_of_date)
        plan.freshness_note = (
            describe_changes(state) if staff else describe_for_project_managers(state)
        )
        plan.freshness_badge = _("out of date") if staff else _("new plan being prepared")
    return plans


# Readiness scores (0–100) from which a project manager reads "high" and
# below which "low"; between the two, "middling".
HIGH_READINESS = 70
LOW_READINESS = 40


@dataclass
class WaveReasons:
    """Why a municipality is in its wave, as a project manager reads it."""

    headline: str
    reasons: list[str] = field(default_factory=list)


def _joined(names):
    names = [str(name) for name in names]
    if len(names) < 2:
        return "".join(names)
    return _("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def explain_for_project_managers(assignment, *, names, limit_source="", first_wave=1):
    """The reasons for `assignment`'s wave in plain words: pin, vendor,
    own wish, readiness, neighbours, GP and hospital adoption.

    `names` maps neighbour codes to their names; `limit_source` is the
    vendor limit's source in the plan's inputs ("agreement" says the
    vendor agreed it with the municipality). No points, no solver: the
    same facts the coordinators see as figures, said as reasons.
    """
    data = assignment.explanation or {}
    number = assignment.wave.number
    result = WaveReasons(
        _("%(name)s is in wave %(number)s because:")
        % {"name": assignment.municipality.short_name, "number": number}
    )
    reasons = result.reasons
    if assignment.moved_by_hand:
        reasons.append(_("KL and MedCom moved it to this wave after the plan was computed."))
    elif assignment.is_pinned:
        if assignment.pin_reason:
            reasons.append(
                _("KL and MedCom placed it in this wave: %(reason)s")
                % {"reason": assignment.pin_reason}
            )
        else:
            reasons.append(_("KL and MedCom placed it in this wave."))
    earliest = assignment.earliest_wave
    vendor = assignment.vendor_name or _("its EOJ vendor")
    if earliest is not None and earliest > first_wave:
        if limit_source == "agreement":
            text = _(
                "Its EOJ vendor %(vendor)s has agreed with the municipality to support FMK "
                "from wave %(wave)s."
            )
        else:
            text = _(
                "Its EOJ vendor %(vendor)s can support FMK from wave %(wave)s at the earliest."
            )
        reasons.append(text % {"vendor": vendor, "wave": earliest})
    elif limit_source == "overridden":
        reasons.append(
            _("KL and MedCom have lifted the earliest wave of its EOJ vendor %(vendor)s.")
            % {"vendor": vendor}
        )
    elif assignment.vendor_name:
        reasons.append(
            _("Its EOJ vendor %(vendor)s can support FMK from the first wave.")
            % {"vendor": vendor}
        )
    wish = assignment.wish_wave
    if wish is None:
        reasons.append(_("It gave no wish for a wave in the questionnaire."))
    elif wish == number:
        reasons.append(_("It wished for wave %(wave)s itself.") % {"wave": wish})
    elif earliest is not None and wish < earliest:
        reasons.append(
            _("It wished for wave %(wave)s, but its EOJ vendor cannot support it that early.")
            % {"wave": wish}
        )
    else:
        reasons.append(
            _(
                "It wished for wave %(wave)s. The wish counts, but so do readiness, the "
                "neighbours and the room in each wave."
            )
            % {"wave": wish}
        )
    score = assignment.readiness_score
    if score is None:
        reasons.append(
            _(
                "When the plan was made, it had not submitted the readiness questionnaire, so "
                "readiness did not pull it forward."
            )
        )
    else:
        values = {"score": number_format(score, 0)}
        if score >= HIGH_READINESS:
            text = _(
                "Its readiness is high (%(score)s of 100 points); the readiest municipalities "
                "start first."
            )
        elif score < LOW_READINESS:
            text = _(
                "Its readiness is low (%(score)s of 100 points); the readiest municipalities "
                "start first."
            )
        else:
            text = _(
                "Its readiness is middling (%(score)s of 100 points); the readiest "
                "municipalities start first."
            )
        reasons.append(text % values)
    same = [names.get(code, code) for code in data.get("neighbours_same", [])]
    other = [names.get(code, code) for code in data.get("neighbours_other", [])]
    if same:
        reasons.append(
            ngettext(
                "Its neighbour %(names)s is in the same wave, so you can work together.",
                "Its neighbours %(names)s are in the same wave, so you can work together.",
                len(same),
            )
            % {"names": _joined(same)}
        )
    if other:
        reasons.append(
            ngettext(
                "Its neighbour %(names)s is in another wave.",
                "Its neighbours %(names)s are in other waves.",
                len(other),
            )
            % {"names": _joined(other)}
        )
    adoption = []
    if assignment.gp_adoption is not None:
        adoption.append(
            _("%(share)s %% of the GPs in the municipality use FMK.")
            % {"share": number_format(assignment.gp_adoption, 0)}
        )
    if assignment.hospital_adoption is not None:
        adoption.append(
            _("The hospitals in %(region)s: %(share)s %% use FMK.")
            % {
                "region": assignment.municipality.region,
                "share": number_format(assignment.hospital_adoption, 0),
            }
        )
    if adoption:
        adoption.append(
            _("The more GPs and hospitals already use FMK, the earlier a municipality can start.")
        )
        reasons.append(" ".join(adoption))
    return result
