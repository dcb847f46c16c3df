from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from oidc.provider import is_enabled as oidc_enabled

from . import views
from .login_throttle import ThrottledPasswordResetView

admin.site.site_header = _("FMK rollout – administration")
admin.site.site_title = _("FMK rollout")
admin.site.index_title = _("Coordinators' administration")

handler500 = "fmkrollout.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("om/", views.about, name="about"),
    path("tilgaengelighed/", views.accessibility, name="accessibility"),
    path("privatliv/", views.privacy, name="privacy"),
    path("kommuner/", include("municipalities.urls")),
    path("parathed/", include("readiness.urls")),
    path("boelger/", include("waves.urls")),
    path("styring/", include("governance.urls")),
    # Before Django's own: the reset form under the login lockout.
    path("konto/password_reset/", ThrottledPasswordResetView.as_view(), name="password_reset"),
    path("udrulning/", include("rollout.urls")),
    path("konto/", include("accounts.urls")),
    path("konto/", include("django.contrib.auth.urls")),
    path("api/v1/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if oidc_enabled():
    from mozilla_django_oidc.views import OIDCLogoutView

    # Before Django's own logout: ends the provider's session too.
    urlpatterns[:0] = [
        path("konto/oidc/", include("oidc.urls")),
        path("konto/logout/", OIDCLogoutView.as_view(), name="logout"),
    ]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
