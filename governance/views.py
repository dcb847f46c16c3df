"""The governance pages.

Every signed-in role may read them: the fora, their mandates, meetings and
decisions are public information about FMK, and municipal project managers
benefit from seeing where wishes go. Members' e-mail addresses and phone
numbers are shown to coordinators and viewers only. Only coordinators
change anything (here, or in the admin).
"""

from collections import defaultdict
from itertools import groupby

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from municipalities.access import any_role_required, coordinator_required
from municipalities.roles import Role, role_of

from . import calendar, exports, services, wish_flow
from .filters import WishFilter
from .forms import TransitionForm, WishForm
from .models import (
    Decision,
    Forum,
    Meeting,
    MeetingAttachment,
    Party,
    SupportContact,
    Wish,
)
from .tables import WishTable
from .wish_flow import Quarter, TransitionNotAllowed

UPCOMING_MEETINGS = 6


def _sees_contact_details(user):
    return role_of(user) in (Role.COORDINATOR, Role.VIEWER)


def _forum_tree(fora):
    """The fora as nested nodes, one tree per track, roots first."""
    children = defaultdict(list)
    for forum in fora:
        children[forum.reports_to_id].append(forum)

    def node(forum):
        return {"forum": forum, "children": [node(child) for child in children[forum.pk]]}

    tracks = []
    for track, label in Forum.Track.choices:
        roots = [node(f) for f in children[None] if f.track == track]
        if roots:
            tracks.append({"track": track, "label": label, "roots": roots})
    return tracks


@any_role_required
def overview(request):
    fora = list(Forum.objects.for_overview().prefetch_related("coordinates_with"))
    parties = list(Party.objects.all())
    rows = []
    for forum in fora:
        represented = {party.pk for party in forum.parties.all()}
        counts = defaultdict(int)
        for membership in forum.current_memberships:
            counts[membership.party_id] += 1
        rows.append(
            {
                "forum": forum,
                "cells": [
                    {
                        "party": party,
                        "represented": party.pk in represented,
                        "members": counts[party.pk],
                    }
                    for party in parties
                ],
            }
        )
    upcoming = (
        Meeting.objects.filter(starts_at__gte=timezone.now())
        .select_related("forum")
        .order_by("starts_at")[:UPCOMING_MEETINGS]
    )
    return render(
        request,
        "governance/overview.html",
        {
            "tracks": _forum_tree(fora),
            "parties": parties,
            "matrix": rows,
            "upcoming": upcoming,
            "support_contacts": SupportContact.objects.all(),
        },
    )


@any_role_required
def forum_detail(request, slug):
    forum = get_object_or_404(
        Forum.objects.select_related("reports_to", "escalates_to").prefetch_related(
            "coordinates_with", "reporting_fora", "escalating_fora"
        ),
        slug=slug,
    )
    today = timezone.localdate()
    memberships = list(
        forum.memberships.select_related("person", "party").order_by(
            "party__position", "role", "person__name", "-start_date"
        )
    )
    current = [m for m in memberships if m.is_current(today)]
    past = sorted(
        (m for m in memberships if m.end_date is not None and m.end_date < today),
        key=lambda m: m.end_date,
        reverse=True,
    )
    members_by_party = [
        {"party": party, "memberships": list(group)}
        for party, group in groupby(current, key=lambda m: m.party)
    ]
    meetings = list(
        forum.meetings.annotate(attachment_count=Count("attachments")).order_by("-starts_at")
    )
    now = timezone.now()
    decisions = (
        Decision.objects.filter(meeting__forum=forum)
        .select_related("meeting", "wish_transition__wish")
        .order_by("-meeting__starts_at", "pk")
    )
    calendar_url = reverse("governance:forum-calendar", args=[forum.slug])
    return render(
        request,
        "governance/forum_detail.html",
        {
            "forum": forum,
            "members_by_party": members_by_party,
            "current_count": len(current),
            "past_memberships": past,
            "upcoming_meetings": [m for m in reversed(meetings) if m.starts_at >= now],
            "past_meetings": [m for m in meetings if m.starts_at < now],
            "decisions": decisions,
            "show_contact": _sees_contact_details(request.user),
            "calendar_url": calendar_url,
            "subscription_url": request.build_absolute_uri(
                f"{calendar_url}?token={calendar.calendar_token(request.user)}"
            ),
            "raises_wishes": forum.kind in wish_flow.ORIGIN_FORUM_KINDS,
        },
    )


def forum_calendar(request, slug):
    """The forum's meetings as iCalendar: for a signed-in user, or for the
    personal token a calendar program sends instead."""
    forum = get_object_or_404(Forum, slug=slug)
    token = request.GET.get("token")
    user = calendar.user_for_token(token) if token else request.user
    if role_of(user) is None:
        if token:
            raise Http404
        return redirect_to_login(request.get_full_path())
    meetings = forum.meetings.order_by("starts_at")
    body = calendar.meetings_calendar(forum, meetings, base_url=settings.PORTAL_BASE_URL)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{forum.slug}.ics"'
    return response


@any_role_required
def meeting_detail(request, pk):
    meeting = get_object_or_404(Meeting.objects.select_related("forum"), pk=pk)
    return render(
        request,
        "governance/meeting_detail.html",
        {
            "meeting": meeting,
            "attachments": meeting.attachments.order_by("kind", "title"),
            "decisions": meeting.decisions.select_related("wish_transition__wish").order_by("pk"),
        },
    )


@any_role_required
def attachment_download(request, pk):
    attachment = get_object_or_404(MeetingAttachment, pk=pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name or attachment.file.name.rsplit("/", 1)[-1],
        content_type=attachment.content_type or "application/octet-stream",
    )
    # Never let a browser guess a type and render a file as a page.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _roadmap_years(wishes, today):
    """Years -> quarters -> wishes, from the earliest to the latest year on
    the roadmap and always including this year and the next."""
    by_quarter = defaultdict(list)
    for wish in wishes:
        by_quarter[Quarter(wish.roadmap_year, wish.roadmap_quarter)].append(wish)
    current = Quarter.of(today)
    years = {current.year, current.year + 1} | {q.year for q in by_quarter}
    return [
        {
            "year": year,
            "quarters": [
                {
                    "quarter": Quarter(year, number),
                    "is_current": Quarter(year, number) == current,
                    "is_past": Quarter(year, number) < current,
                    "wishes": by_quarter[Quarter(year, number)],
                }
                for number in range(1, 5)
            ],
        }
        for year in range(min(years), max(years) + 1)
    ]


@any_role_required
def roadmap(request):
    wishes = Wish.objects.on_roadmap().order_by(
        "roadmap_year", "roadmap_quarter", "priority", "pk"
    )
    wishes = list(wishes)
    return render(
        request,
        "governance/roadmap.html",
        {
            "years": _roadmap_years(wishes, timezone.localdate()),
            "wish_count": len(wishes),
        },
    )


def _filtered_wishes(request):
    queryset = Wish.objects.select_related("origin_forum")
    return WishFilter(request.GET or None, queryset=queryset)


@any_role_required
def wish_list(request):
    wish_filter = _filtered_wishes(request)
    table = WishTable(wish_filter.qs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("sort", None)
    return render(
        request,
        "governance/wish_list.html",
        {
            "filter": wish_filter,
            "table": table,
            "export_query": query.urlencode(),
            "can_edit": role_of(request.user) == Role.COORDINATOR,
        },
    )


@any_role_required
def wish_export(request):
    wishes = _filtered_wishes(request).qs.order_by("pk")
    header, rows = exports.wish_rows(wishes)
    body = exports.write_xlsx(_("Wishes"), header, rows)
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = exports.export_filename(_("fmk-wishes"))
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@any_role_required
def wish_detail(request, pk):
    wish = get_object_or_404(Wish.objects.select_related("origin_forum"), pk=pk)
    is_coordinator = role_of(request.user) == Role.COORDINATOR
    return _render_wish(request, wish, TransitionForm(wish=wish) if is_coordinator else None)


def _render_wish(request, wish, form, status=200):
    transitions = wish.transitions.select_related(
        "meeting__forum", "decision", "recorded_by"
    ).order_by("recorded_at", "pk")
    return render(
        request,
        "governance/wish_detail.html",
        {"wish": wish, "transitions": transitions, "form": form},
        status=status,
    )


@require_POST
@coordinator_required
def wish_transition(request, pk):
    wish = get_object_or_404(Wish.objects.select_related("origin_forum"), pk=pk)
    form = TransitionForm(request.POST, wish=wish)
    if form.is_valid():
        data = form.cleaned_data
        try:
            record = services.apply_transition(
                wish=wish,
                name=data["transition"],
                by=request.user,
                meeting=data["meeting"],
                reason=data["reason"],
                quarter=data["quarter"] or None,
                priority=data["priority"],
            )
        except TransitionNotAllowed as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
        else:
            messages.success(
                request,
                _("%(wish)s: “%(step)s” is recorded; the wish is now “%(status)s”.")
                % {
                    "wish": wish.reference,
                    "step": record.get_name_display(),
                    "status": record.get_to_status_display(),
                },
            )
            return redirect(wish)
    wish.refresh_from_db()
    return _render_wish(request, wish, form, status=400)


@coordinator_required
def wish_create(request):
    form = WishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            wish = services.raise_wish(
                title=data["title"],
                description=data["description"],
                origin_forum=data["origin_forum"],
                is_technical=data["is_technical"],
                meeting=data["meeting"],
                by=request.user,
            )
        except TransitionNotAllowed as error:
            form.add_error("origin_forum", error.message)
        else:
            messages.success(
                request, _("The wish %(wish)s is recorded.") % {"wish": wish.reference}
            )
            return redirect(wish)
    return render(request, "governance/wish_form.html", {"form": form})
