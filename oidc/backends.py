"""mozilla-django-oidc's backend, on the portal's terms.

- The endpoints come from `provider.provider_config()` when a callback
  arrives, not when the backend is made: Django makes every backend for
  every password login too, which must not wait for (or fail with) the
  provider.
- The ID token's issuer and audience are checked besides its signature
  and nonce.
- The user is found or created by `services.sign_in` (issuer + subject),
  never by e-mail alone.
- Anything that goes wrong with the provider is a failed sign-in (logged,
  counted by django-axes like a wrong password), not an error page.
"""

import logging

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from . import services
from .provider import ProviderUnavailable, is_enabled, provider_config

logger = logging.getLogger(__name__)


class OrganisationBackend(OIDCAuthenticationBackend):
    def __init__(self, *args, **kwargs):
        # The parent reads (and checks) every endpoint here; see above.
        self.UserModel = get_user_model()

    def _configure(self):
        config = provider_config()
        self.issuer = config.issuer
        self.OIDC_OP_TOKEN_ENDPOINT = config.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = config.userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = config.jwks_uri
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, **kwargs):
        # Only the callback signs in through the provider: a password login
        # with ?code=…&state=… in its address must not start a token request.
        if request is None or "nonce" not in kwargs or not is_enabled():
            return None
        if request.path != reverse("oidc:callback"):
            return None
        try:
            self._configure()
            return super().authenticate(request, **kwargs)
        except (ProviderUnavailable, SuspiciousOperation, requests.RequestException) as error:
            logger.warning("Sign-in with the organisation failed: %s", error)
            return None

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:
            # The ID token (a signed userinfo answer comes without nonce).
            if self.issuer and payload.get("iss") != self.issuer:
                raise SuspiciousOperation("ID token from another issuer")
            audience = payload.get("aud")
            audiences = [audience] if isinstance(audience, str) else audience or []
            if self.OIDC_RP_CLIENT_ID not in audiences:
                raise SuspiciousOperation("ID token for another client")
            self.id_token_claims = payload
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        userinfo = self.get_userinfo(access_token, id_token, payload)
        # OpenID Connect Core 5.3.2: userinfo must be about the same person.
        if str(userinfo.get("sub")) != str(payload.get("sub")):
            raise SuspiciousOperation("userinfo names another subject")
        return services.sign_in(
            issuer=payload.get("iss") or self.issuer,
            claims={**payload, **userinfo},
            match_email=settings.OIDC_MATCH_EMAIL,
        )
