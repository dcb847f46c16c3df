"""The coordinators' admin: template versions, preconditions, the timeline's
periods, and the municipalities' implementations (read with their history).

A template version in use is shown read-only ("Copy as a new version" to
change it), as the readiness questionnaire.
"""

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from municipalities.admin_mixins import LabelledListEditableMixin, ReadOnlyAdminMixin

from . import services
from .models import (
    Escalation,
    Implementation,
    Phase,
    Precondition,
    ProgrammePeriod,
    SparringRequest,
    Task,
    TaskTemplate,
    TemplateVersion,
    WaveChange,
)


class FrozenMixin:
    """Parts of a template version in use can be read, not changed."""

    def _frozen(self, obj):
        template = getattr(obj, "template", None) or getattr(
            getattr(obj, "phase", None), "template", None
        )
        if isinstance(obj, TemplateVersion):
            template = obj
        return template is not None and template.is_frozen

    def has_add_permission(self, request, obj=None):
        if self._frozen(obj):
            return False
        # Inlines are asked about their parent; a model admin is not.
        if isinstance(self, admin.options.InlineModelAdmin):
            return super().has_add_permission(request, obj)
        return super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


class PhaseInline(FrozenMixin, admin.TabularInline):
    model = Phase
    fields = ["number", "name", "name_en"]
    extra = 0
    show_change_link = True


@admin.register(TemplateVersion)
class TemplateVersionAdmin(SimpleHistoryAdmin):
    list_display = ["version", "title", "is_current", "frozen", "implementation_count"]
    list_filter = ["is_current"]
    search_fields = ["title", "title_en"]
    inlines = [PhaseInline]
    actions = ["copy_as_new_version"]
    fields = ["version", "title", "title_en", "source", "is_current"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(implementation_count=Count("implementations"))
        )

    def get_readonly_fields(self, request, obj=None):
        return ["version"] if obj is not None else []

    @admin.display(description=_("municipalities"), ordering="implementation_count")
    def implementation_count(self, obj):
        return obj.implementation_count

    @admin.display(description=_("frozen"), boolean=True)
    def frozen(self, obj):
        return obj.implementation_count > 0

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            if obj.is_current:
                # Only one version is current: this one retires the other.
                TemplateVersion.objects.exclude(pk=obj.pk).filter(is_current=True).update(
                    is_current=False
                )
            super().save_model(request, obj, form, change)

    @admin.action(description=_("Copy as a new version (to change phases or tasks)"))
    def copy_as_new_version(self, request, queryset):
        for template in queryset:
            copy = services.copy_template(template=template)
            self.message_user(
                request,
                _("Version %(version)s created from version %(source)s. It is not current yet.")
                % {"version": copy.version, "source": template.version},
                messages.SUCCESS,
            )


class TaskTemplateInline(FrozenMixin, admin.StackedInline):
    model = TaskTemplate
    fields = [
        ("order", "key", "milestone", "checklist"),
        ("due_anchor", "due_offset_days"),
        ("title", "title_en"),
        ("help_text", "help_text_en"),
        "links",
    ]
    readonly_fields = ["support_links"]
    extra = 0

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if not self._frozen(obj):
            return fields
        # Read-only, the links are a list to follow in both languages,
        # each marked with its language, rather than their JSON.
        return [("support_links" if field == "links" else field) for field in fields]

    @admin.display(description=_("links to support material"))
    def support_links(self, obj):
        if not obj.links:
            return "–"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}" rel="noopener"><span lang="da">{}</span></a>'
                ' / <span lang="en">{}</span></li>',
                (
                    (link.get("url", ""), link.get("label", ""), link.get("label_en", "–"))
                    for link in obj.links
                ),
            ),
        )


@admin.register(Phase)
class PhaseAdmin(FrozenMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "template", "task_count"]
    list_filter = ["template"]
    list_select_related = ["template"]
    inlines = [TaskTemplateInline]
    fields = ["template", "number", "name", "name_en", "description", "description_en"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(task_count=Count("tasks"))

    @admin.display(description=_("tasks"), ordering="task_count")
    def task_count(self, obj):
        return obj.task_count


@admin.register(Precondition)
class PreconditionAdmin(LabelledListEditableMixin, SimpleHistoryAdmin):
    list_display = ["title", "status", "owner", "expected_on", "met_on"]
    list_editable = ["status", "owner", "expected_on", "met_on"]
    list_filter = ["status"]
    fields = ["key", "title", "title_en", "status", "owner", "expected_on", "met_on", "note"]


@admin.register(ProgrammePeriod)
class ProgrammePeriodAdmin(LabelledListEditableMixin, SimpleHistoryAdmin):
    list_display = ["name", "starts_on", "ends_on", "milestone", "order"]
    list_editable = ["starts_on", "ends_on", "order"]


class TaskInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Task
    fields = ["template", "status", "reason", "owner", "due_on", "done_on", "updated_by"]
    readonly_fields = fields
    extra = 0


@admin.register(Implementation)
class ImplementationAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Read-only: project managers change their tasks on their page."""

    list_display = ["municipality", "wave", "template", "m1_reached_on", "m2_reached_on"]
    list_filter = ["wave", "template"]
    search_fields = ["municipality__short_name", "municipality__name"]
    list_select_related = ["municipality", "wave", "template"]
    inlines = [TaskInline]


@admin.register(Task)
class TaskAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["implementation", "template", "status", "due_on", "done_on", "owner"]
    list_filter = ["status", "template__milestone", "implementation__wave"]
    search_fields = ["implementation__municipality__short_name", "template__title"]
    list_select_related = ["implementation__municipality", "template"]


@admin.register(WaveChange)
class WaveChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "implementation",
        "from_wave",
        "to_wave",
        "moved_tasks",
        "kept_tasks",
        "changed_at",
    ]
    list_select_related = ["implementation__municipality", "from_wave", "to_wave"]


@admin.register(SparringRequest)
class SparringRequestAdmin(SimpleHistoryAdmin):
    list_display = ["implementation", "topic", "status", "requested_at", "answered_at"]
    list_filter = ["status", "topic"]
    list_select_related = ["implementation__municipality"]
    readonly_fields = [
        "implementation",
        "requested_by",
        "requested_at",
        "answered_by",
        "answered_at",
    ]


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["implementation", "escalated_at", "escalated_by", "decision"]
    list_select_related = ["implementation__municipality", "escalated_by", "decision__meeting"]
