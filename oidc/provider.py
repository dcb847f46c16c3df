"""The identity provider's endpoints: configured, or discovered.

With `OIDC_ISSUER` the endpoints come from the issuer's
`/.well-known/openid-configuration`, fetched at the first sign-in (not at
start-up, so a provider that is down costs the button, not the portal) and
kept for `DISCOVERY_TTL` seconds. An endpoint set explicitly
(`OIDC_OP_*_ENDPOINT`) wins over the discovered one. A failed discovery is
not kept: the next sign-in asks again.
"""

import logging
import threading
import time
from dataclasses import dataclass

import requests
from django.conf import settings

logger = logging.getLogger(__name__)

DISCOVERY_TTL = 3600


class ProviderUnavailable(Exception):
    """The provider's configuration could not be had."""


@dataclass(frozen=True)
class ProviderConfig:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    end_session_endpoint: str


# Setting name -> the discovery document's key.
EXPLICIT_SETTINGS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
}

_lock = threading.Lock()
_discovered: dict[str, tuple[float, dict]] = {}


def is_enabled():
    """Whether sign-in with an organisation is configured at all."""
    return bool(
        settings.OIDC_RP_CLIENT_ID
        and (settings.OIDC_ISSUER or settings.OIDC_OP_AUTHORIZATION_ENDPOINT)
    )


def _discover(issuer):
    with _lock:
        cached = _discovered.get(issuer)
        if cached and time.monotonic() - cached[0] < DISCOVERY_TTL:
            return cached[1]
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        logger.warning("OpenID Connect discovery at %s failed: %s", url, error)
        raise ProviderUnavailable(str(error)) from error
    # The document must be the issuer's own (OpenID Connect Discovery 4.3).
    if not isinstance(document, dict) or document.get("issuer") != issuer:
        logger.warning("OpenID Connect discovery at %s names another issuer", url)
        raise ProviderUnavailable("issuer mismatch")
    with _lock:
        _discovered[issuer] = (time.monotonic(), document)
    return document


def forget_discovered():
    """Drop the kept discovery documents (tests; a changed provider)."""
    with _lock:
        _discovered.clear()


def provider_config():
    """The provider's endpoints; ProviderUnavailable if discovery fails."""
    issuer = settings.OIDC_ISSUER
    explicit = {key: getattr(settings, name) for name, key in EXPLICIT_SETTINGS.items()}
    required = [key for key in explicit if key != "end_session_endpoint"]
    document = _discover(issuer) if issuer else {}
    values = {key: explicit[key] or document.get(key) or "" for key in explicit}
    missing = [key for key in required if not values[key]]
    if missing:
        raise ProviderUnavailable("no " + ", ".join(missing))
    return ProviderConfig(issuer=issuer, **values)
