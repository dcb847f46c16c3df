from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from municipalities.roles import Role, role_of
from oidc.provider import is_enabled as oidc_enabled

# (URL name, label, roles that see it). An entry whose URL does not exist
# is left out, so an app's pages appear in the menu once it has them.
NAVIGATION = [
    ("home", _("Home"), set(Role)),
    ("readiness:overview", _("Readiness"), {Role.COORDINATOR, Role.VIEWER}),
    ("waves:plan-current", _("Wave plan"), set(Role)),
    ("rollout:dashboard", _("Rollout"), {Role.COORDINATOR, Role.VIEWER}),
    ("governance:overview", _("Governance"), set(Role)),
    ("admin:index", _("Administration"), {Role.COORDINATOR}),
]


def _navigation(request, role):
    items = []
    for url_name, label, roles in NAVIGATION:
        if role not in roles:
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        active = request.path == url if url_name == "home" else request.path.startswith(url)
        items.append({"url": url, "label": label, "active": active})
    return items


def portal(request):
    """The user's role, their municipalities and the menu, for base.html."""
    user = getattr(request, "user", None)
    role = role_of(user) if user is not None else None
    municipalities = []
    if role == Role.PROJECT_MANAGER:
        municipalities = list(
            user.municipality_memberships.select_related("municipality").values_list(
                "municipality__short_name", flat=True
            )
        )
    return {
        "portal_role": role,
        "portal_role_label": Role(role).label if role else "",
        "portal_municipalities": municipalities,
        "portal_navigation": _navigation(request, role) if role else [],
        "portal_contact_email": settings.PORTAL_CONTACT_EMAIL,
        # The login page's "Sign in with your organisation" button.
        "oidc_enabled": oidc_enabled(),
    }
