"""Factories for the governance models; the fora themselves are shipped."""

import datetime

import factory
from django.utils import timezone

from governance.models import (
    Decision,
    Forum,
    ForumMembership,
    Meeting,
    Party,
    Person,
    Wish,
)


def forum(slug):
    return Forum.objects.get(slug=slug)


def party(slug):
    return Party.objects.get(slug=slug)


def days_ago(days, hour=10):
    day = timezone.localdate() - datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Testperson {n}")
    title = "Konsulent"
    organisation = "KL"
    email = factory.Sequence(lambda n: f"person{n}@example.invalid")
    phone = "3300 0000"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ForumMembership

    person = factory.SubFactory(PersonFactory)
    forum = factory.LazyFunction(lambda: forum("koordinationsgruppen"))
    party = factory.LazyFunction(lambda: party("kl"))
    role = ForumMembership.Role.MEMBER
    start_date = datetime.date(2020, 1, 1)
    end_date = None


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    forum = factory.LazyFunction(lambda: forum("koordinationsgruppen"))
    starts_at = factory.Sequence(lambda n: days_ago(30 + n))
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + datetime.timedelta(hours=2))
    place = "Sundhedsdatastyrelsen, Ørestads Boulevard 5, København S"
    agenda = "1. Godkendelse af dagsorden\n2. Ønsker til prioritering"


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    meeting = factory.SubFactory(MeetingFactory)
    kind = Decision.Kind.APPROVED
    subject = factory.Sequence(lambda n: f"Beslutning {n}")
    text = "Godkendt uden bemærkninger."


class WishFactory(factory.django.DjangoModelFactory):
    """A wish already raised; for the flow itself use services.raise_wish."""

    class Meta:
        model = Wish

    title = factory.Sequence(lambda n: f"Ønske {n}")
    description = "Bedre overblik over medicinkortet."
    origin_forum = factory.LazyFunction(lambda: forum("kliniske-brugergrupper"))
