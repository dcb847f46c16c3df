"""An uploaded spreadsheet between its preview and its import.

The preview's rows are stored with the upload (and the file's SHA-256), so
that confirming writes exactly what the coordinator saw, not whatever the
file or the database would give on a second reading. The uploads are also
the log of every import: who, when, which file, what was written.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

KIND_CHOICES = [
    ("gp", _("GP adoption per municipality (MedCom)")),
    ("hospital", _("Hospital adoption per region (NSI)")),
    ("vendors", _("The municipalities' EOJ vendors")),
    ("vendor_plans", _("EOJ vendors' implementation plans")),
]


class ImportUpload(models.Model):
    class Status(models.TextChoices):
        HAS_ERRORS = "has_errors", _("has errors")
        READY = "ready", _("ready to import")
        APPLIED = "applied", _("imported")
        DISCARDED = "discarded", _("discarded")

    kind = models.CharField(_("import"), max_length=20, choices=KIND_CHOICES)
    filename = models.CharField(_("file"), max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # The file as uploaded, kept as evidence of where the figures came from.
    content = models.BinaryField(_("content"), editable=False)
    read_as = models.CharField(_("read as"), max_length=200, blank=True)
    parameters = models.JSONField(_("source, definition and date"), default=dict)
    rows = models.JSONField(_("rows to write"), default=list)
    problems = models.JSONField(_("problems"), default=list)
    warnings = models.JSONField(_("warnings"), default=list)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    applied_at = models.DateTimeField(_("imported"), null=True, blank=True)
    written = models.PositiveIntegerField(_("rows written"), default=0)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="applied") | models.Q(applied_at__isnull=False),
                name="import_applied_has_time",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.filename}"

    def get_absolute_url(self):
        return reverse("admin:imports_importupload_preview", args=[self.pk])

    @property
    def is_ready(self):
        return self.status == self.Status.READY

    def counts(self):
        """How many rows are new, changed and unchanged."""
        counts = {"new": 0, "changed": 0, "unchanged": 0}
        for row in self.rows:
            counts[row["change"]] += 1
        return counts
