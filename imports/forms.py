from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .reading import too_large_message

# What the date of each import means.
DATE_LABELS = {
    "gp": _("Measured on"),
    "hospital": _("Measured on"),
    "vendors": _("Recorded on"),
    "vendor_plans": _("Received on"),
}
SOURCE_HELP = {
    "gp": _("Who reported the figures, e.g. “MedCom, FMK-status for almen praksis”."),
    "hospital": _("Who reported the figures, e.g. “NSI, FMK-status for sygehusene”."),
    "vendors": _("Where the vendors come from, e.g. “KL's survey of EOJ systems”."),
    "vendor_plans": _("Where the plans come from, e.g. “The vendors' plans to KL”."),
}
WITH_DEFINITION = {"gp", "hospital"}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("An Excel workbook (.xlsx) or a CSV file (.csv)."),
    )
    source = forms.CharField(label=_("Source"), max_length=200)
    definition = forms.CharField(
        label=_("Definition"),
        max_length=300,
        help_text=_(
            "What the figure measures, e.g. “Share of practices that have used FMK in the "
            "last month”. MedCom's definition has changed over time."
        ),
    )
    measured_on = forms.DateField(label=_("Date"))

    def __init__(self, *args, importer, **kwargs):
        super().__init__(*args, **kwargs)
        self.importer = importer
        kind = importer.kind
        self.fields["source"].initial = importer.default_source
        self.fields["source"].help_text = SOURCE_HELP[kind]
        self.fields["measured_on"].label = DATE_LABELS[kind]
        self.fields["measured_on"].initial = timezone.localdate()
        self.fields["measured_on"].help_text = _("Day-month-year or year-month-day.")
        self.fields["measured_on"].input_formats = ["%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y"]
        if kind not in WITH_DEFINITION:
            del self.fields["definition"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                too_large_message(upload.size, settings.MAX_UPLOAD_BYTES), code="too_large"
            )
        return upload

    def parameters(self):
        """The values every row of the import shares, JSON-safe."""
        return {
            "source": self.cleaned_data["source"].strip(),
            "definition": self.cleaned_data.get("definition", "").strip(),
            "measured_on": self.cleaned_data["measured_on"].isoformat(),
        }


class ConfirmForm(forms.Form):
    sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)
