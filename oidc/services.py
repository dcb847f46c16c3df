"""Signing a person in with the claims their organisation's provider sent.

Who the person is follows from the issuer and subject alone; an e-mail
address links a first sign-in to an existing account only where the
coordinators allow it (OIDC_MATCH_EMAIL) and the provider says the
address is verified. A new person gets an account without any role: the
coordinators give one in the admin. Role claims from the provider are
never read.
"""

import logging
import re

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Identity

logger = logging.getLogger(__name__)

# What Django's username validator accepts; anything else becomes "-".
USERNAME_UNSAFE = re.compile(r"[^\w.@+-]")


def _email_if_verified(claims):
    email = (claims.get("email") or "").strip()
    # Some providers send the flag as the string "true".
    verified = claims.get("email_verified") in (True, "true")
    return email if email and verified else ""


def _free_username(claims):
    User = get_user_model()
    wanted = claims.get("preferred_username") or claims.get("email") or f"oidc-{claims['sub']}"
    base = USERNAME_UNSAFE.sub("-", str(wanted))[:140] or "oidc"
    username, n = base, 1
    while User.objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{base}-{n}"
    return username


def _user_by_verified_email(issuer, email):
    """The one account with this address, not already linked at this
    provider; None when there is none or more than one (never a guess).

    A superuser's account is never taken over by an address claim.
    """
    candidates = list(
        get_user_model()
        .objects.filter(email__iexact=email, is_superuser=False)
        .exclude(oidc_identities__issuer=issuer)[:2]
    )
    if len(candidates) != 1:
        if candidates:
            logger.warning("OpenID Connect: %s matches several accounts, none linked", email)
        return None
    return candidates[0]


def _create_user(claims, email):
    user = get_user_model()(
        username=_free_username(claims),
        first_name=str(claims.get("given_name") or "")[:150],
        last_name=str(claims.get("family_name") or "")[:150],
        email=email,
    )
    # Signs in through the provider only.
    user.set_unusable_password()
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def sign_in(*, issuer, claims, match_email=False):
    """The portal user for this person, linked or created.

    `claims` are the provider's verified claims (ID token and userinfo,
    with `sub`). Returns the user, new ones without any role; the caller
    refuses inactive users.
    """
    subject = str(claims["sub"])
    identity = (
        Identity.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
    )
    if identity is None:
        email = _email_if_verified(claims)
        user = _user_by_verified_email(issuer, email) if match_email and email else None
        try:
            with transaction.atomic():
                if user is None:
                    user = _create_user(claims, email)
                identity = Identity.objects.create(user=user, issuer=issuer, subject=subject)
        except IntegrityError:
            # The same person's first sign-in in another tab got there first.
            identity = Identity.objects.select_related("user").get(issuer=issuer, subject=subject)
    identity.last_login_at = timezone.now()
    identity.save(update_fields=["last_login_at"])
    return identity.user
