"""Sign-in for the API: a personal token in the Authorization header.

`Authorization: Bearer fmk_…` (or `Token fmk_…`). A request without the
header falls through to the next class (the session, for the browsable
pages); a header with a wrong, revoked or inactive user's token is refused
with 401 at once.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts import services
from accounts.models import APIToken

KEYWORDS = ("bearer", "token")


class APITokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].decode("latin-1").lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("The Authorization header must be “Bearer” followed by one token.")
            )
        try:
            raw = parts[1].decode()
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed(_("Unknown or revoked API token.")) from error
        token = APIToken.objects.matching(raw)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Unknown or revoked API token."))
        services.record_use(token)
        return token.user, token

    def authenticate_header(self, request):
        # Makes an unauthenticated request a 401 (with this challenge), not a 403.
        return 'Bearer realm="api"'


class APITokenScheme(OpenApiAuthenticationExtension):
    target_class = APITokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token from the account page (/konto/).",
        }
