import pytest

from .provider import oidc_configured, run_provider


@pytest.fixture(scope="session")
def provider_issuer():
    """The test identity provider, for the Django test client's portal."""
    with run_provider(["http://testserver"]) as issuer:
        yield issuer


@pytest.fixture
def oidc_on(settings, provider_issuer):
    with oidc_configured(settings, provider_issuer):
        yield provider_issuer


@pytest.fixture
def oidc_unreachable(settings):
    """Configured, but the provider does not answer (nothing listens)."""
    with oidc_configured(settings, "http://127.0.0.1:9"):
        yield
