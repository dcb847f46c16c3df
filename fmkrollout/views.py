"""Pages that belong to the portal as a whole: home, about, health."""

import logging
import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from municipalities.models import Municipality
from municipalities.roles import Role, role_of, waiting_for_access

logger = logging.getLogger(__name__)


@login_required
def home(request):
    """Send each role where its work is.

    A project manager with one municipality goes straight to its start page;
    with several they choose; coordinators and viewers see the overview.
    """
    role = role_of(request.user)
    if role == Role.PROJECT_MANAGER:
        municipalities = list(Municipality.objects.visible_to(request.user))
        if len(municipalities) == 1:
            return redirect(municipalities[0])
        return render(request, "home_project_manager.html", {"municipalities": municipalities})
    if role in (Role.COORDINATOR, Role.VIEWER):
        context = _staff_dashboard()
        if role == Role.COORDINATOR:
            context["waiting_for_access"] = waiting_for_access(get_user_model().objects).count()
        return render(request, "home_staff.html", context)
    return render(request, "home_no_role.html", status=403)


def _wave_rows(plan, waves):
    """Per wave: name, dates, municipalities and capacity, from a plan's summary."""
    use = (plan.summary or {}).get("capacity_use", {}) if plan else {}
    return [{"wave": wave, "count": use.get(str(wave.number), [None])[0]} for wave in waves]


def _staff_dashboard():
    """Where the rollout stands, for coordinators and viewers, on one page.

    The project package sits above every app, so it may read from all of
    them; each figure comes from the app's own selector or queryset.
    """
    from governance.models import Meeting
    from readiness.models import Questionnaire
    from readiness.selectors import status_counts
    from waves import planning
    from waves.models import Wave, WavePlan

    questionnaire = Questionnaire.objects.current()
    waves = list(Wave.objects.order_by("number"))
    plans = WavePlan.objects.without_inputs()
    published = plans.published().select_related("published_by").first()
    draft = plans.current_draft()
    if published is not None:
        planning.annotate_freshness([published], staff=True)
    summary = (published.summary or {}) if published else {}
    return {
        "questionnaire": questionnaire,
        "readiness": status_counts(questionnaire) if questionnaire else None,
        "published": published,
        "published_waves": _wave_rows(published, waves),
        "split_pairs": len(summary.get("split_pairs", [])),
        "wishes_met": summary.get("wishes_met"),
        "wishes_total": summary.get("wishes_total"),
        "draft": draft if draft and draft != published else None,
        "meetings": Meeting.objects.filter(starts_at__gte=timezone.now())
        .select_related("forum")
        .order_by("starts_at")[:5],
    }


def about(request):
    return render(request, "about.html")


def accessibility(request):
    """The accessibility statement that Danish public websites must publish
    (lov om tilgængelighed af offentlige organers websteder); open to all."""
    return render(request, "accessibility.html")


def privacy(request):
    """What the portal keeps about people, why, and their rights (GDPR)."""
    return render(request, "privacy.html")


def _database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True
    except Exception:  # any failure means "not healthy"; the log says why
        logger.exception("Health check: the database did not answer")
        return False


def _broker_answers():
    from fmkrollout.celery import app

    try:
        # A fresh connection to the configured broker, not a pooled one.
        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        logger.exception("Health check: the Celery broker did not answer")
        return False


@never_cache
def healthz(request):
    """JSON for load balancers and monitoring: 200 healthy, 503 otherwise."""
    checks = {"database": _database_answers()}
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        checks["broker"] = _broker_answers()
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "error", "checks": checks}
    return JsonResponse(body, status=200 if healthy else 503)


# Errors that mean the database (or its connection) is away for a moment:
# a restart, a fail-over. Django drops a broken connection at the end of
# the request, so the next request connects anew and the portal recovers
# by itself.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def server_error(request):
    """The portal's own error page, without touching the database (it may
    be what failed): 503 with Retry-After when the database is away, 500
    otherwise. Never a stack trace."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_UNAVAILABLE):
        context = {
            "heading": _("The portal is unavailable for a moment"),
            "explanation": _(
                "The portal cannot reach its database right now. Try again in a minute."
            ),
        }
        # Rendered without the request: its context processors read the
        # session and the user from the database.
        page = render_to_string("_partials/error_page.html", context)
        return HttpResponse(page, status=503, headers={"Retry-After": "30"})
    context = {
        "heading": _("Something went wrong"),
        "explanation": _("An error occurred on the portal. It has been logged; try again."),
    }
    return HttpResponse(render_to_string("_partials/error_page.html", context), status=500)
