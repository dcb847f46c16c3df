"""Personal API tokens: a user's keys to the read API (/api/v1/).

Only a SHA-256 digest of each token is stored, with a short visible prefix
that identifies it in lists and finds it on sign-in; the token itself is
shown once, when it is made, and can never be read again, not even by a
coordinator. This app imports `municipalities` at most, nothing above it.
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# "fmk_" marks the string as one of ours (secret scanners can look for it);
# the next characters up to PREFIX_LENGTH are stored and shown.
TOKEN_MARK = "fmk_"
PREFIX_LENGTH = len(TOKEN_MARK) + 8
SECRET_BYTES = 32


def digest_of(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


def new_raw_token():
    return TOKEN_MARK + secrets.token_urlsafe(SECRET_BYTES)


class APITokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def matching(self, raw):
        """The active token `raw` stands for, or None.

        Found by its prefix, then the digests compared in constant time,
        so the lookup says nothing about how close a guess came.
        """
        if not raw.startswith(TOKEN_MARK) or len(raw) <= PREFIX_LENGTH:
            return None
        candidate = self.active().select_related("user").filter(prefix=raw[:PREFIX_LENGTH]).first()
        if candidate is None or not hmac.compare_digest(candidate.digest, digest_of(raw)):
            return None
        return candidate


class APIToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, e.g. 'monthly report'.")
    )
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, unique=True, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("revoked by"),
    )

    objects = APITokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self):
        return self.revoked_at is None
