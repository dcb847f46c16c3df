"""Settings for the FMK rollout portal, all from the environment.

One module for every environment: what differs between a laptop, CI and
production is set by environment variables (listed in `.env.example` and
the README), never by another settings file. The defaults are the safe
ones: DEBUG is off unless asked for, and without DEBUG there must be a
SECRET_KEY.
"""

import datetime
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "to a long random string (or DEBUG=1 for local development)."
        )
    # Only ever used with DEBUG on, on a developer's machine.
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_tables2",
    "django_filters",
    "simple_history",
    "django_celery_results",
    "django_celery_beat",
    "csp",
    # Failed logins per user and per address, and the lockout (django-axes).
    "axes",
    "fmkrollout",
    "municipalities",
    "readiness",
    "waves",
    # Spreadsheet imports of the planning inputs (above `waves`, which it
    # writes into).
    "imports",
    "governance",
    "rollout",
    # Personal API tokens and the account page; the read API on top.
    "accounts",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    # Sign-in with the organisation's identity provider (OpenID Connect).
    "oidc",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "fmkrollout.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "fmkrollout.middleware.DanishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fmkrollout.urls"
WSGI_APPLICATION = "fmkrollout.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fmkrollout.context_processors.portal",
            ],
        },
    },
]

# SQLite under var/ unless DATABASE_URL says otherwise, e.g.
# postgres://postgres@127.0.0.1:5432/test (PostgreSQL through psycopg2).
DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'fmkrollout.sqlite3'}"
    )
}
# Persistent connections: a request reuses its thread's connection instead
# of opening one (5 times the throughput on /healthz under gunicorn), and
# checks it first, so a restarted database costs one failed check, not an
# error page. CONN_MAX_AGE=0 closes after every request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Eager Celery tasks and the dev server share the file: wait for locks
    # instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Per process by default. In production a shared cache (CACHE_URL=
# redis://127.0.0.1:6379/1), so that every web process sees at once that
# the planning inputs changed (waves.planning.watch); without it a process
# sees the others' changes within half a minute.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a login for a locked-out user or address
# before the password is even checked (each check costs ~0.8 s of CPU).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Password guessing: after LOGIN_FAILURE_LIMIT failed attempts for one user
# name, or from one address, further attempts are refused for
# LOGIN_LOCKOUT_MINUTES, on the portal's login, the admin's and the
# password reset form alike. Coordinators unlock earlier in the admin.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "fmkrollout.login_throttle.lockout_response"
AXES_CLIENT_IP_CALLABLE = "fmkrollout.login_throttle.client_address"
AXES_VERBOSE = False

# Sign-in with the organisation (OpenID Connect, mozilla-django-oidc): on
# when a client id and the issuer (or the endpoints) are set; otherwise the
# portal has the password login only, and no OIDC address. The endpoints
# are discovered from the issuer at the first sign-in; an OIDC_OP_*
# setting wins over the discovered value. People are known by issuer and
# subject; OIDC_MATCH_EMAIL lets a first sign-in with a verified address
# take over the one account with that address. Roles always come from
# the coordinators, never from the provider.
OIDC_ISSUER = env.str("OIDC_ISSUER", default="").rstrip("/")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_OP_LOGOUT_ENDPOINT = env.str("OIDC_OP_LOGOUT_ENDPOINT", default="")
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email profile")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_TOKEN_USE_BASIC_AUTH = env.bool("OIDC_TOKEN_USE_BASIC_AUTH", default=False)
OIDC_MATCH_EMAIL = env.bool("OIDC_MATCH_EMAIL", default=False)
OIDC_TIMEOUT = env.float("OIDC_TIMEOUT", default=10.0)
OIDC_USE_PKCE = True
# Kept in the session for the provider's logout (id_token_hint).
OIDC_STORE_ID_TOKEN = True
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc:callback"
OIDC_OP_LOGOUT_URL_METHOD = "oidc.views.provider_logout_url"
# After ModelBackend, under axes like every login: a locked-out address is
# refused before the provider is even asked. It answers only the callback,
# and only when sign-in with the organisation is configured.
AUTHENTICATION_BACKENDS.append("oidc.backends.OrganisationBackend")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Danish first, English second.
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date style per language (fmkrollout/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["fmkrollout.formats"]
USE_I18N = True
TIME_ZONE = "Europe/Copenhagen"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Det Fælles Designsystem, installed by npm from package-lock.json.
    ("dkfds", BASE_DIR / "node_modules" / "dkfds" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "media/"

# Largest upload accepted (imports, meeting attachments), in bytes.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=10_485_760)
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=5_242_880)

# E-mail: printed to the console unless an SMTP server is configured.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="fmk-udrulning@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where people write for access, accessibility and privacy questions: the
# FMK coordinators at KL and MedCom. Shown on the login page and in the
# accessibility statement and privacy notice.
PORTAL_CONTACT_EMAIL = env.str("PORTAL_CONTACT_EMAIL", default=DEFAULT_FROM_EMAIL)

# Where the portal is reached from outside, for links in e-mails.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# HTTPS hardening: on by default when DEBUG is off. HTTPS=0 turns it off for
# a server behind plain HTTP on a closed network (and for the test suite).
HTTPS = env.bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
# Load balancers and monitoring ask for /healthz on the plain-HTTP backend.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts, styles, fonts and images
# from the portal itself only, no inline script or style (every page keeps
# its script and CSS in static files), nothing framed, forms posted here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Logging out of the portal (a form) redirects to the identity provider's
# logout, which browsers check against form-action as well.
CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] += sorted(
    {
        f"{parts.scheme}://{parts.netloc}"
        for parts in map(urlsplit, [OIDC_ISSUER, OIDC_OP_LOGOUT_ENDPOINT])
        if parts.scheme and parts.netloc
    }
)
# Browser features no page uses, switched off (Permissions-Policy header).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)

# Celery: a real broker when CELERY_BROKER_URL is set, otherwise tasks run
# eagerly in the web process, so nothing else needs to be running.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_CACHE_BACKEND = "django-cache"
CELERY_TASK_TRACK_STARTED = True
# A task is acknowledged only when it has finished, so one whose worker died
# mid-run is delivered again; the tasks are idempotent for that reason.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 1,
    # A task whose worker was killed is handed to another worker once it
    # has been unacknowledged this long (Redis): longer than any task runs.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE

# Form widgets rendered with the templates in templates/django/forms, which
# add the design system's classes.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DJANGO_TABLES2_TEMPLATE = "_partials/table.html"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Standard output, where systemd's journal or a container runtime
    # collects it with gunicorn's and Celery's logs.
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Panels on a municipality's start page, contributed by the apps above
# `municipalities`: each is a function (request, municipality) returning
# {"template": ..., **context} or None.
MUNICIPALITY_PANELS = [
    "readiness.panels.municipality_panel",
    "waves.panels.municipality_panel",
    "rollout.panels.municipality_panel",
]

# Readiness reminders: project managers of municipalities that have not
# submitted are e-mailed (at most once a day each) from this many days
# before the questionnaire's deadline up to the deadline itself.
READINESS_REMINDER_DAYS_BEFORE = env.int("READINESS_REMINDER_DAYS_BEFORE", default=7)

# Wave planning. The solver's time limit per recomputation (seconds; a plan
# found when it runs out is kept as "feasible" with its gap) and the
# relative gap at which a plan counts as optimal. The solve runs in a child
# process that is stopped when it overruns the limit by half again plus the
# grace (HiGHS does not always stop on time); a run with no sign of life
# for WAVES_RUN_DEAD_AFTER_SECONDS is dead and loses its lock.
WAVES_SOLVER_TIME_LIMIT = env.float("WAVES_SOLVER_TIME_LIMIT", default=5.0)
WAVES_SOLVER_GAP = env.float("WAVES_SOLVER_GAP", default=0.001)
WAVES_SOLVER_WATCHDOG = env.bool("WAVES_SOLVER_WATCHDOG", default=True)
WAVES_SOLVER_WATCHDOG_GRACE = env.float("WAVES_SOLVER_WATCHDOG_GRACE", default=30.0)
WAVES_RUN_DEAD_AFTER_SECONDS = env.float("WAVES_RUN_DEAD_AFTER_SECONDS", default=60.0)
if not 0 < WAVES_SOLVER_TIME_LIMIT <= 3600 or not 0 <= WAVES_SOLVER_GAP < 1:
    raise ImproperlyConfigured(
        "WAVES_SOLVER_TIME_LIMIT must be 0–3600 seconds and WAVES_SOLVER_GAP 0–1."
    )

# A task blocked, or overdue by more than this many days, goes into the
# coordinators' weekly digest and the dashboard's escalation list.
ROLLOUT_OVERDUE_DAYS = env.int("ROLLOUT_OVERDUE_DAYS", default=14)

# The read API (/api/v1/, the api app): a personal token (accounts) or the
# session; every view requires a role and reads through the pages' rules.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.APITokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.HasRole"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PortalPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "FMK rollout API",
    "DESCRIPTION": (
        "Read-only data of the FMK rollout portal: municipalities, wave plans, "
        "readiness, rollout and governance. Authenticate with a personal token "
        "from /konto/ (Authorization: Bearer ...). Text in Danish, or in English "
        "with Accept-Language: en."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its documentation page are open, like the API's shape
    # in any client's code; the data behind it needs a token and a role.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # Swagger UI from our own static files (drf-spectacular-sidecar), no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # The examples' colours on a dark ground: Monokai's keep a contrast of
    # 4.5:1 (WCAG AA), the default theme's numbers do not.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "syntaxHighlight": {"theme": "monokai"}},
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ReadinessStatusEnum": "readiness.models.ResponseStatus",
        "WavePlanStatusEnum": "waves.models.WavePlan.Status",
    },
}
