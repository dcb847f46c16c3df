"""Password guessing: one rule for every form that takes a secret.

django-axes counts failed logins per user name and per address and refuses
further attempts for a while (settings: AXES_*). It sees the portal's
login and the admin's, since both authenticate through Django's backends.
The password reset form authenticates nothing, so it joins the rule here:
each request counts as an attempt for the address (and the address typed),
and a locked-out address gets the lockout page instead of an e-mail.

Imports nothing from the portal's apps.
"""

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import render


def client_address(request):
    """The address that axes counts attempts for.

    Behind the TLS proxy every request comes from the proxy, so the client
    is the last address the proxy added to X-Forwarded-For (the ones before
    it are the client's own claims); otherwise the peer address itself.
    """
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
        if addresses:
            return addresses[-1]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    """The lockout page (429 Too Many Requests), in the user's language."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, under the same lockout as the logins."""

    def post(self, request, *args, **kwargs):
        credentials = {"username": request.POST.get("email", "")}
        if AxesProxyHandler.is_locked(request, credentials):
            return lockout_response(request)
        # Counted like a failed login, so that the form cannot be used to
        # flood a person's mailbox or to probe addresses without limit.
        user_login_failed.send(sender=type(self), credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            return lockout_response(request)
        return super().post(request, *args, **kwargs)
