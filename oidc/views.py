"""Start, finish and end a sign-in with the organisation's provider.

mozilla-django-oidc's views, with the endpoints from
`provider.provider_config()` and a failure told on the login page in the
user's language instead of a bare redirect.
"""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, resolve_url
from django.utils.translation import gettext as _
from mozilla_django_oidc import views as oidc_views

from .provider import ProviderUnavailable, provider_config

logger = logging.getLogger(__name__)


def _failed(request):
    messages.error(
        request,
        _(
            "Signing in with your organisation did not succeed. Try again, or "
            "log in with your user name and password."
        ),
    )
    return redirect(settings.LOGIN_URL)


class SignInView(oidc_views.OIDCAuthenticationRequestView):
    """Send the browser to the provider's sign-in page."""

    def __init__(self, *args, **kwargs):
        # The parent reads the endpoint here; it is looked up in get().
        super(oidc_views.OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request):
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider_config().authorization_endpoint
        except ProviderUnavailable:
            return _failed(request)
        return super().get(request)


class CallbackView(oidc_views.OIDCAuthenticationCallbackView):
    """The provider's answer: signed in, or back to the login page."""

    def login_failure(self):
        return _failed(self.request)


def provider_logout_url(request):
    """Where logging out sends the browser (OIDC_OP_LOGOUT_URL_METHOD).

    Someone who signed in through the provider is sent to its
    `end_session_endpoint`, which ends the provider's session too and
    sends them back to the login page; everyone else (and everyone, when
    the provider has no such endpoint) goes straight to the login page.
    """
    login_url = resolve_url(settings.LOGOUT_REDIRECT_URL)
    id_token = request.session.get("oidc_id_token")
    if not id_token:
        return login_url
    try:
        end_session = provider_config().end_session_endpoint
    except ProviderUnavailable:
        end_session = ""
    if not end_session:
        return login_url
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": request.build_absolute_uri(login_url),
            "client_id": settings.OIDC_RP_CLIENT_ID,
        }
    )
    return f"{end_session}?{query}"
