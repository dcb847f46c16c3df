"""The one signal `readiness` sends to the layers above it.

`planning_inputs_changed` tells the wave planning (`waves`, which imports
this app; this app never imports it) that its inputs moved. Readiness
services send it after the transaction commits (`transaction.on_commit`):

- ``reason="answers", municipality_code=<code>`` when a municipality's
  questionnaire is submitted or revised;
- ``reason="weights", municipality_code=None`` after a change of weights has
  recomputed every score.

`sender` is the model class whose rows changed (`Response` or `WeightSet`).
The receiver lives in `waves` (connected in `WavesConfig.ready()`): it marks
the current plan stale and schedules one coalesced recomputation. A signal,
not a service call, because the layer below must not import the one above.
"""

import django.dispatch

planning_inputs_changed = django.dispatch.Signal()


def send_planning_inputs_changed(*, sender, reason, municipality_code=None):
    """Send the signal once the current transaction commits (at once if none)."""
    from django.db import transaction

    transaction.on_commit(
        lambda: planning_inputs_changed.send(
            sender=sender, reason=reason, municipality_code=municipality_code
        )
    )
