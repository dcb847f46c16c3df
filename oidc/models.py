"""Which person at which identity provider is which portal user.

A person signing in with their organisation is known by the provider's
issuer and the subject (`sub`) it gives them: stable and never reassigned,
unlike a name or an e-mail address. Roles are never stored here; they stay
the groups and project manager links that coordinators give in the admin.

Depends on nothing in the portal but the user model.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Identity(models.Model):
    """A portal user's account at their organisation's identity provider."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="oidc_identities",
        verbose_name=_("user"),
    )
    issuer = models.CharField(_("identity provider"), max_length=255)
    subject = models.CharField(_("subject (sub)"), max_length=255)
    created_at = models.DateTimeField(_("linked"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)

    class Meta:
        ordering = ["issuer", "subject"]
        verbose_name = _("organisation account")
        verbose_name_plural = _("organisation accounts")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="oidc_identity_unique")
        ]

    def __str__(self):
        return f"{self.subject} @ {self.issuer}"
