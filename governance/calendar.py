"""A forum's meetings as an iCalendar feed, and the personal feed link.

Calendar programs cannot log in, so the feed also answers a personal
token in its address: an HMAC of the user's id and password hash. A new
password (or a deactivated user) ends every link the user handed out.
"""

import datetime

import icalendar
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

TOKEN_SALT = "governance.calendar"
DEFAULT_DURATION = datetime.timedelta(hours=2)


def calendar_token(user):
    digest = salted_hmac(TOKEN_SALT, f"{user.pk}:{user.password}:{user.is_active}").hexdigest()
    return f"{user.pk}-{digest[:32]}"


def user_for_token(token):
    """The active user the token belongs to, or None."""
    user_id, _sep, _digest = (token or "").partition("-")
    if not user_id.isdigit():
        return None
    user = get_user_model().objects.filter(pk=int(user_id), is_active=True).first()
    if user is None or not constant_time_compare(calendar_token(user), token):
        return None
    return user


def meetings_calendar(forum, meetings, *, base_url):
    """The iCalendar (RFC 5545) bytes for `meetings` of `forum`."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//KL og MedCom//FMK-udrulning//DA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", forum.name)
    calendar.add("x-wr-timezone", timezone.get_current_timezone_name())
    stamp = timezone.now()
    for meeting in meetings:
        event = icalendar.Event()
        event.add("uid", f"{meeting.calendar_uid}@fmkrollout")
        event.add("dtstamp", stamp)
        event.add("last-modified", meeting.updated_at)
        # In UTC: every calendar program reads it without a VTIMEZONE.
        ends_at = meeting.ends_at or meeting.starts_at + DEFAULT_DURATION
        event.add("dtstart", meeting.starts_at.astimezone(datetime.UTC))
        event.add("dtend", ends_at.astimezone(datetime.UTC))
        event.add("summary", forum.name)
        if meeting.place:
            event.add("location", meeting.place)
        url = base_url.rstrip("/") + meeting.get_absolute_url()
        event.add("url", url)
        event.add("description", "\n\n".join(filter(None, [meeting.agenda, url])))
        calendar.add_component(event)
    return calendar.to_ical()
