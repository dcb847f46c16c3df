"""The imports in the admin: upload, preview, confirm; and the log of imports.

Custom admin views on `ImportUpload`, for coordinators only (other staff
get 403, everyone else the admin's login). The views are thin: the form
checks the fields, `services` reads, checks and writes.
"""

import mimetypes

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from municipalities.admin_mixins import ReadOnlyAdminMixin
from municipalities.roles import is_coordinator

from . import example_files, services
from .forms import ConfirmForm, UploadForm
from .importers import IMPORTERS
from .models import ImportUpload
from .reading import UnreadableFile


@admin.register(ImportUpload)
class ImportUploadAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "preview_link",
        "kind",
        "status",
        "uploaded_by",
        "uploaded_at",
        "applied_at",
        "written",
    ]
    list_filter = ["kind", "status", "uploaded_at"]
    search_fields = ["filename", "uploaded_by__username", "sha256"]
    list_select_related = ["uploaded_by"]
    date_hierarchy = "uploaded_at"
    change_list_template = "admin/imports/importupload/change_list.html"

    # Coordinators only, whatever permissions a staff user was given.
    def has_module_permission(self, request):
        return is_coordinator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_coordinator(request.user)

    @admin.display(description=gettext_lazy("file"), ordering="filename")
    def preview_link(self, upload):
        return format_html('<a href="{}">{}</a>', upload.get_absolute_url(), upload.filename)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("ny/<slug:kind>/", wrap(self.upload_view), name="imports_importupload_upload"),
            path(
                "<int:upload_id>/gennemse/",
                wrap(self.preview_view),
                name="imports_importupload_preview",
            ),
            path(
                "eksempel/<slug:kind>.<str:extension>",
                wrap(self.example_view),
                name="imports_importupload_example",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The preview is an upload's page.
        self._authorise(request)
        return redirect("admin:imports_importupload_preview", int(object_id))

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "importers": IMPORTERS.values()}
        return super().changelist_view(request, extra_context)

    def _authorise(self, request):
        if not is_coordinator(request.user):
            raise PermissionDenied

    def _context(self, request, **context):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "app_label": self.model._meta.app_label,
            "has_view_permission": True,
            **context,
        }

    def upload_view(self, request, kind):
        self._authorise(request)
        importer = IMPORTERS.get(kind)
        if importer is None:
            raise Http404
        form = UploadForm(request.POST or None, request.FILES or None, importer=importer)
        if request.method == "POST" and form.is_valid():
            upload_file = form.cleaned_data["file"]
            try:
                upload = services.preview_upload(
                    kind=kind,
                    data=services.read_upload(upload_file),
                    filename=upload_file.name,
                    parameters=form.parameters(),
                    by=request.user,
                )
            except UnreadableFile as error:
                form.add_error("file", error.message)
            else:
                return redirect("admin:imports_importupload_preview", upload.pk)
        return TemplateResponse(
            request,
            "admin/imports/importupload/upload.html",
            self._context(
                request,
                title=importer.title,
                importer=importer,
                form=form,
                examples=example_files.files(importer),
                max_megabytes=f"{services.limits().max_bytes / 1_048_576:.0f}",
                limits=services.limits(),
            ),
        )

    def preview_view(self, request, upload_id):
        self._authorise(request)
        upload = get_object_or_404(
            ImportUpload.objects.select_related("uploaded_by"), pk=upload_id
        )
        importer = IMPORTERS[upload.kind]
        if request.method == "POST":
            if "discard" in request.POST:
                services.discard_upload(upload=upload)
                messages.info(request, _("The file was discarded; nothing was imported."))
                return redirect("admin:imports_importupload_upload", upload.kind)
            form = ConfirmForm(request.POST)
            if form.is_valid():
                try:
                    upload = services.apply_upload(
                        upload_id=upload.pk, sha256=form.cleaned_data["sha256"], by=request.user
                    )
                except services.NotImportable as error:
                    messages.error(request, error.messages[0])
                else:
                    messages.success(
                        request,
                        _("Imported: %(count)s rows written from %(file)s.")
                        % {"count": upload.written, "file": upload.filename},
                    )
                return redirect("admin:imports_importupload_preview", upload.pk)
        return TemplateResponse(
            request,
            "admin/imports/importupload/preview.html",
            self._context(
                request,
                title=_("Preview: %(file)s") % {"file": upload.filename},
                upload=upload,
                importer=importer,
                counts=upload.counts(),
                confirm_form=ConfirmForm(initial={"sha256": upload.sha256}),
                changelist_url=reverse("admin:imports_importupload_changelist"),
            ),
        )

    def example_view(self, request, kind, extension):
        self._authorise(request)
        importer = IMPORTERS.get(kind)
        example = example_files.path(importer, extension) if importer else None
        if example is None or not example.exists():
            raise Http404
        content_type = mimetypes.guess_type(example.name)[0] or "application/octet-stream"
        if extension == "csv":
            content_type = "text/csv; charset=utf-8"
        return FileResponse(
            example.open("rb"),
            as_attachment=True,
            filename=example.name,
            content_type=content_type,
        )
