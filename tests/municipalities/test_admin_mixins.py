"""The admin building blocks give what Django's own would."""

import pytest
from django.contrib import admin
from django.utils import translation

from municipalities.admin_mixins import QuickActionCheckboxMixin
from municipalities.models import Municipality

pytestmark = pytest.mark.django_db


class Plain(admin.ModelAdmin):
    pass


class Quick(QuickActionCheckboxMixin, admin.ModelAdmin):
    pass


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_row_checkbox_is_djangos(language):
    # A name with characters to escape, as a coordinator could type one.
    municipality = Municipality.objects.get(code=461)
    municipality.short_name = 'Odense <"&>'
    with translation.override(language):
        ours = Quick(Municipality, admin.site).action_checkbox(municipality)
        theirs = Plain(Municipality, admin.site).action_checkbox(municipality)
    assert ours == theirs
    assert "&lt;&quot;&amp;&gt;" in ours
