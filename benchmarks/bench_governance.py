"""How the governance pages hold up with years of data.

Builds 300 memberships, 900 meetings with 1,800 decisions and 2,000 wishes
spread over five years of roadmap, then times each page (median of 5) and
counts its queries, which must not depend on the amount of data.
"""

import datetime
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._setup import setup_django, timed  # noqa: E402

WISHES = 2000
MEETINGS_PER_FORUM = 100


def build():
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from governance.models import (
        Decision,
        Forum,
        ForumMembership,
        Meeting,
        Party,
        Person,
        Wish,
        WishTransition,
    )
    from governance.wish_flow import Quarter

    user = get_user_model().objects.create_superuser("bench", "bench@example.invalid", "x")
    fora = list(Forum.objects.all())
    parties = list(Party.objects.all())
    people = Person.objects.bulk_create(
        Person(name=f"Person {i}", organisation="KL", email=f"p{i}@example.invalid")
        for i in range(150)
    )
    ForumMembership.objects.bulk_create(
        ForumMembership(
            person=people[i % 150],
            forum=fora[i % len(fora)],
            party=parties[i % len(parties)],
            start_date=datetime.date(2020 + i % 5, 1, 1),
            end_date=None if i % 3 else datetime.date(2026, 1, 1),
        )
        for i in range(300)
    )
    now = timezone.now()
    meetings = Meeting.objects.bulk_create(
        Meeting(
            forum=forum,
            starts_at=now + datetime.timedelta(days=7 * n - 350),
            place="Online",
            agenda="1. Dagsorden",
        )
        for forum in fora
        for n in range(MEETINGS_PER_FORUM)
    )
    Decision.objects.bulk_create(
        Decision(meeting=m, kind="approved", subject=f"Beslutning {i}")
        for i, m in enumerate(meetings * 2)
    )
    user_group = next(f for f in fora if f.kind == "user_group")
    start = Quarter.of(timezone.localdate())
    quarters = [start]
    for _ in range(19):
        quarters.append(quarters[-1].next())
    wishes = Wish.objects.bulk_create(
        Wish(
            title=f"Ønske {i}",
            description="Beskrivelse",
            origin_forum=user_group,
            status="prioritised" if i % 2 else "raised",
            roadmap_year=quarters[i % 20].year if i % 2 else None,
            roadmap_quarter=quarters[i % 20].quarter if i % 2 else None,
            priority=i % 10 + 1,
        )
        for i in range(WISHES)
    )
    WishTransition.objects.bulk_create(
        WishTransition(wish=w, name="raise", to_status="raised", recorded_by=user) for w in wishes
    )
    return user


def main():
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse

    setup_test_environment()
    user = build()
    client = Client()
    client.force_login(user)
    pages = [
        ("overview", reverse("governance:overview")),
        ("forum page", reverse("governance:forum-detail", args=["koordinationsgruppen"])),
        ("roadmap (1,000 wishes)", reverse("governance:roadmap")),
        ("wish list, page 1", reverse("governance:wish-list")),
        ("Excel export (2,000 wishes)", reverse("governance:wish-export")),
        (
            "iCalendar feed (100 meetings)",
            reverse("governance:forum-calendar", args=["koordinationsgruppen"]),
        ),
    ]
    print(f"{WISHES} wishes, {MEETINGS_PER_FORUM * 9} meetings, 300 memberships")
    for label, url in pages:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        # Counted now: every later request empties the query log.
        count = len(queries)
        seconds, _ = timed(lambda url=url: client.get(url))
        print(f"  {label:<30} {seconds * 1000:7.1f} ms  {count:3d} queries")


if __name__ == "__main__":
    main()
