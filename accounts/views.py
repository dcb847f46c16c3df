"""The account page: who the user is, and their personal API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import services
from .forms import TokenForm
from .models import APIToken

# The session key under which a new token waits for the one page that shows
# it: popped there, so a reload or a later visit never shows it again.
NEW_TOKEN_SESSION_KEY = "accounts_new_token"


def _render(request, form=None, new_token=None, status=200):
    return render(
        request,
        "accounts/account.html",
        {
            "form": form or TokenForm(),
            "tokens": request.user.api_tokens.active(),
            "new_token": new_token,
        },
        status=status,
    )


@never_cache
@login_required
def account(request):
    # Not cached, so that Back after a new token shows no copy of it.
    return _render(request, new_token=_pop_new_token(request))


def _pop_new_token(request):
    """The token made just before this request and the secret itself, read
    from the session exactly once; None if there is none (any more)."""
    waiting = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
    if not waiting:
        return None
    token = request.user.api_tokens.active().filter(pk=waiting["pk"]).first()
    return {"token": token, "raw": waiting["raw"]} if token else None


@require_POST
@login_required
def token_create(request):
    """Make a token, then redirect to the account page, which shows it once.

    Post/redirect/get: reloading the page that shows the token makes no
    second one. The secret waits in the (server-side) session until that
    page pops it; only its digest stays in the database.
    """
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _render(request, form=form, status=400)
    token, raw = services.create_token(user=request.user, name=form.cleaned_data["name"])
    request.session[NEW_TOKEN_SESSION_KEY] = {"pk": token.pk, "raw": raw}
    return redirect("accounts:account")


@require_POST
@login_required
def token_revoke(request, pk):
    token = get_object_or_404(APIToken.objects.active(), pk=pk, user=request.user)
    services.revoke_token(token=token, by=request.user)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("accounts:account")
