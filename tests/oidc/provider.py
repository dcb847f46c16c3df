"""The test identity provider (tests/oidc/provider.mjs) as a context manager.

`run_provider(portal_urls)` starts it on a free loopback port, waits for
its discovery document and yields its issuer; it is stopped at the end.
The fixtures that start it are session-scoped (tests/oidc/conftest.py and
the browser journey), so a run pays the Node start-up once.
"""

import contextlib
import copy
import importlib
import shutil
import socket
import subprocess
import time
from pathlib import Path

import requests
from django.urls import clear_url_caches

SCRIPT = Path(__file__).with_name("provider.mjs")
CLIENT_ID = "fmk-portal"
CLIENT_SECRET = "test-secret"
PERSON = "anna"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def run_provider(portal_urls):
    node = shutil.which("node")
    assert node, "node is needed for the test identity provider"
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [node, str(SCRIPT), str(port), ",".join(portal_urls)],
        cwd=SCRIPT.parents[2],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            assert process.poll() is None, process.stderr.read().decode()
            try:
                requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "the test provider did not start"
                time.sleep(0.1)
        yield issuer
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def reload_urls():
    """The URLconf again, after the OIDC settings changed (it reads them
    when imported)."""
    import fmkrollout.urls

    importlib.reload(fmkrollout.urls)
    clear_url_caches()


@contextlib.contextmanager
def oidc_configured(settings, issuer, **extra):
    """Sign-in with the organisation switched on for one test."""
    from oidc.provider import forget_discovered

    settings.OIDC_ISSUER = issuer
    # As settings.py does for the issuer: the logout form may redirect there.
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"].append(issuer)
    settings.CONTENT_SECURITY_POLICY = policy
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    for name, value in extra.items():
        setattr(settings, name, value)
    forget_discovered()
    reload_urls()
    try:
        yield
    finally:
        settings.OIDC_ISSUER = ""
        settings.OIDC_RP_CLIENT_ID = ""
        forget_discovered()
        reload_urls()
