"""The waves app's end of the readiness signal (see readiness/signals.py)."""

from . import planning


def on_planning_inputs_changed(sender, reason, municipality_code=None, **kwargs):
    """Answers or readiness weights changed: mark the plans out of date and
    schedule one coalesced recomputation."""
    planning.note_inputs_changed(reason=reason, municipality_code=municipality_code)
