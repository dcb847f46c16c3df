"""Gunicorn's configuration for `make serve`: the portal as in production.

Read by `gunicorn --config python:fmkrollout.gunicorn_conf`. Everything
comes from the same environment variables as the rest of the portal, plus
the server's own: PORT (8000), BIND_ADDRESS (127.0.0.1: a reverse proxy on
the same host terminates TLS), WEB_CONCURRENCY worker processes (2, one per
core of a 2-core machine), GUNICORN_THREADS threads per worker (4: the pages
wait on the database most of the time) and GUNICORN_TIMEOUT seconds before
a stuck worker is replaced (60; the largest exports take a few seconds).

Before any worker starts, the environment is checked: without SECRET_KEY or
ALLOWED_HOSTS, or with DEBUG on, the server refuses to start and says what
to set, instead of every worker failing to boot with a stack trace.
"""

import os
import sys

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fmkrollout.settings")


def configuration_problems():
    """What stops the portal from being served safely, one line each."""
    from django.conf import settings

    try:
        debug, allowed_hosts = settings.DEBUG, settings.ALLOWED_HOSTS
    except ImproperlyConfigured as error:
        return [str(error)]
    problems = []
    if debug:
        problems.append(
            "DEBUG is on. Unset it (or set DEBUG=0): debug pages show settings and code "
            "to anyone who can reach the server."
        )
    if not allowed_hosts:
        problems.append(
            "ALLOWED_HOSTS is not set. Set it to the host names the portal answers to, "
            "comma-separated, e.g. ALLOWED_HOSTS=fmk.example.dk."
        )
    return problems


def positive_int(name, default):
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        sys.exit(f"fmkrollout: {name}={raw!r} is not a positive whole number.")
    return value


_problems = configuration_problems()
if _problems:
    sys.exit(
        "fmkrollout will not start:\n"
        + "\n".join(f"  - {problem}" for problem in _problems)
        + "\nSee README, 'Running in production'."
    )

wsgi_app = "fmkrollout.wsgi:application"
bind = f"{os.environ.get('BIND_ADDRESS', '127.0.0.1')}:{positive_int('PORT', 8000)}"
workers = positive_int("WEB_CONCURRENCY", 2)
threads = positive_int("GUNICORN_THREADS", 4)
worker_class = "gthread"
timeout = positive_int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
# A worker is replaced after this many requests (with jitter, so that not
# all restart at once): memory a request left behind is given back.
max_requests = 2000
max_requests_jitter = 200

# Access and error log both to standard output, where systemd's journal
# (or a container runtime) collects them with the portal's own log.
accesslog = "-"
logconfig_dict = {
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
    },
}
# Gunicorn's control socket (one path per user, in the home directory)
# is not used: systemd sends the signals, and two instances would clash.
control_socket_disable = True
# The proxy's X-Forwarded-Proto is trusted from the local host only; Django
# reads it when BEHIND_TLS_PROXY is set.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
