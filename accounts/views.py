"""The account page: who the user is, and their personal API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .forms import TokenForm
from .models import APIToken


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


@login_required
def account(request):
    return _render(request)


@require_POST
@login_required
def token_create(request):
    """Make a token and show it on this one answer, never again.

    Rendered rather than redirected, so the token is never stored, not
    even for a moment in the session.
    """
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _render(request, form=form, status=400)
    token, raw = services.create_token(user=request.user, name=form.cleaned_data["name"])
    return _render(request, new_token={"token": token, "raw": raw}, status=201)


@require_POST
@login_required
def token_revoke(request, pk):
    token = get_object_or_404(APIToken.objects.active(), pk=pk, user=request.user)
    services.revoke_token(token=token, by=request.user)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("accounts:account")
