import pytest
from django.core.management import call_command

from governance.models import Decision, Meeting, Person, Wish, WishTransition

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (Person, Meeting, Decision, Wish, WishTransition)]


def test_demo_data_is_labelled_varied_and_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo", quiet_logins=True)
    first = counts()
    call_command("seed_demo", quiet_logins=True)
    assert counts() == first
    assert all(p.name.endswith("(demo)") for p in Person.objects.all())
    assert all(p.email.endswith("@example.invalid") for p in Person.objects.all())
    assert all(w.title.endswith("(demo)") for w in Wish.objects.all())
    assert all(m.place.endswith("(demo)") for m in Meeting.objects.all())
    statuses = set(Wish.objects.values_list("status", flat=True))
    assert statuses >= {
        "raised",
        "cab_review",
        "prioritised",
        "postponed",
        "escalated",
        "delivered",
        "rejected",
    }
