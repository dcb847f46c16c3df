"""The rollout's "today": the real date, or the demo's reference date.

The demo is set in 2014–2015 while the real date is later; seed_demo stores
a reference date (`RolloutState.demo_as_of`) so that the demo's dashboard
is not simply all overdue. Production never has one (seed_demo refuses to
run without DEBUG), so it always uses the real date. Pages that use the
demo date say so in a banner.
"""

from django.utils import timezone

from .models import RolloutState


def demo_as_of():
    """The demo's reference date, or None (production)."""
    return RolloutState.objects.filter(pk=1).values_list("demo_as_of", flat=True).first()


def today():
    return demo_as_of() or timezone.localdate()
