"""Making and revoking API tokens; the account page and the admin call these."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import PREFIX_LENGTH, APIToken, digest_of, new_raw_token

# last_used_at is written at most this often per token, so that a script
# calling the API in a loop does not write a row on every request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def create_token(*, user, name):
    """A new token for `user`: the saved row and the token itself.

    The token is returned only here; the database keeps its digest.
    """
    token = APIToken(user=user, name=name)
    token.full_clean(exclude=["prefix", "digest"])
    # A clash of two random prefixes is all but impossible; try again then.
    for _attempt in range(3):
        raw = new_raw_token()
        token.prefix, token.digest = raw[:PREFIX_LENGTH], digest_of(raw)
        try:
            with transaction.atomic():
                token.save()
        except IntegrityError:
            continue
        return token, raw
    raise RuntimeError("Could not make a unique API token.")


def revoke_token(*, token, by):
    """Revoke a token from now on; revoking twice keeps the first time."""
    updated = APIToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=by
    )
    token.refresh_from_db()
    return bool(updated)


def record_use(token, now=None):
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        APIToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
