from django import forms
from django.utils.translation import gettext_lazy as _

from .models import APIToken


class TokenForm(forms.ModelForm):
    class Meta:
        model = APIToken
        fields = ["name"]
        labels = {"name": _("Name of the new token")}
