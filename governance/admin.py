"""The governance admin, for coordinators.

Parties, fora and the support contact are shipped data (load_reference
restores them), so they are shown read-only here; members are added on a
forum's page or a person's. Meetings carry their decisions and attachments
inline. A wish's status is never edited: new wishes are raised and moved
through `services`, and the steps it has taken are listed read-only.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from municipalities.admin_mixins import HistoryAdmin, ReadOnlyAdminMixin

from . import services
from .forms import TransitionForm
from .models import (
    Decision,
    Forum,
    ForumMembership,
    Meeting,
    MeetingAttachment,
    Party,
    Person,
    SupportContact,
    Wish,
    WishTransition,
)
from .wish_flow import TransitionNotAllowed


class ShippedDataAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the rows come from fixtures/ through load_reference."""


@admin.register(Party)
class PartyAdmin(ShippedDataAdmin):
    list_display = ["name_da", "name_en", "description_da"]
    search_fields = ["name_da", "name_en", "description_da"]


class ForumMembershipInline(admin.TabularInline):
    model = ForumMembership
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person", "party", "role", "start_date", "end_date"]
    ordering = ["-end_date", "party__position", "person__name"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "party", "forum")


@admin.register(Forum)
class ForumAdmin(admin.ModelAdmin):
    list_display = ["name_da", "kind", "track", "reports_to", "current_members"]
    list_filter = ["kind", "track"]
    search_fields = ["name_da", "name_en", "short_name_da", "mandate_da"]
    list_select_related = ["reports_to"]
    readonly_fields = [
        "name_da",
        "name_en",
        "short_name_da",
        "short_name_en",
        "kind",
        "track",
        "reports_to",
        "escalates_to",
        "coordinates_with",
        "parties",
        "mandate_da",
        "mandate_en",
    ]
    exclude = ["slug", "position"]
    inlines = [ForumMembershipInline]

    def get_queryset(self, request):
        today = timezone.localdate()
        return (
            super()
            .get_queryset(request)
            .annotate(
                current_count=Count(
                    "memberships",
                    filter=Q(memberships__start_date__lte=today)
                    & (
                        Q(memberships__end_date__isnull=True) | Q(memberships__end_date__gte=today)
                    ),
                )
            )
        )

    @admin.display(description=_("current members"), ordering="current_count")
    def current_members(self, forum):
        return forum.current_count

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SupportContact)
class SupportContactAdmin(ShippedDataAdmin):
    list_display = ["name_da", "organisation", "email", "phone", "hours_da"]


@admin.register(Person)
class PersonAdmin(HistoryAdmin):
    list_display = ["name", "title", "organisation", "email", "phone", "fora"]
    search_fields = ["name", "organisation", "email", "title"]
    list_filter = ["memberships__forum", "memberships__party"]
    inlines = [ForumMembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("memberships__forum")

    @admin.display(description=_("fora"))
    def fora(self, person):
        today = timezone.localdate()
        return ", ".join(
            sorted({m.forum.short_name for m in person.memberships.all() if m.is_current(today)})
        )


class CurrentMembershipFilter(admin.SimpleListFilter):
    title = _("current")
    parameter_name = "current"

    def lookups(self, request, model_admin):
        return [("yes", _("current")), ("no", _("past or future"))]

    def queryset(self, request, queryset):
        current = ForumMembership.objects.current().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=current)
        if self.value() == "no":
            return queryset.exclude(pk__in=current)
        return queryset


@admin.register(ForumMembership)
class ForumMembershipAdmin(HistoryAdmin):
    list_display = ["person", "forum", "party", "role", "start_date", "end_date"]
    list_filter = [CurrentMembershipFilter, "forum", "party", "role"]
    search_fields = ["person__name", "person__organisation", "forum__name_da"]
    list_select_related = ["person", "forum", "party"]
    autocomplete_fields = ["person"]
    date_hierarchy = "start_date"


class DecisionInline(admin.StackedInline):
    model = Decision
    extra = 0
    fields = ["kind", "subject", "text", "wish_link"]
    readonly_fields = ["wish_link"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("wish_transition__wish")

    @admin.display(description=_("wish"))
    def wish_link(self, decision):
        transition = getattr(decision, "wish_transition", None)
        if transition is None:
            return "–"
        wish = transition.wish
        return format_html('<a href="{}">{}</a>', wish.get_absolute_url(), wish)


class AttachmentInline(admin.TabularInline):
    model = MeetingAttachment
    extra = 0
    fields = ["kind", "title", "file", "size_display", "content_type"]
    readonly_fields = ["size_display", "content_type"]

    @admin.display(description=_("size"))
    def size_display(self, attachment):
        return filesizeformat(attachment.size) if attachment.pk else "–"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "file":
            field.help_text = gettext(
                "PDF, Word, Excel, PowerPoint, OpenDocument, PNG or JPEG, without macros; "
                "at most %(size)s."
            ) % {"size": filesizeformat(settings.MAX_UPLOAD_BYTES)}
        return field


@admin.register(Meeting)
class MeetingAdmin(HistoryAdmin):
    list_display = ["starts_at", "forum", "place", "decision_count", "attachment_count"]
    list_filter = ["forum"]
    search_fields = ["place", "agenda", "minutes", "forum__name_da"]
    list_select_related = ["forum"]
    date_hierarchy = "starts_at"
    inlines = [DecisionInline, AttachmentInline]
    fieldsets = [
        (None, {"fields": ["forum", ("starts_at", "ends_at"), "place"]}),
        (_("Agenda and minutes"), {"fields": ["agenda", "minutes"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                decision_total=Count("decisions", distinct=True),
                attachment_total=Count("attachments", distinct=True),
            )
        )

    @admin.display(description=_("decisions"), ordering="decision_total")
    def decision_count(self, meeting):
        return meeting.decision_total

    @admin.display(description=_("attachments"), ordering="attachment_total")
    def attachment_count(self, meeting):
        return meeting.attachment_total


@admin.register(Decision)
class DecisionAdmin(HistoryAdmin):
    list_display = ["subject", "kind", "meeting"]
    list_filter = ["kind", "meeting__forum"]
    search_fields = ["subject", "text"]
    list_select_related = ["meeting__forum"]
    autocomplete_fields = ["meeting"]


class WishTransitionInline(admin.TabularInline):
    model = WishTransition
    extra = 0
    fields = [
        "name",
        "from_status",
        "to_status",
        "meeting",
        "reason",
        "quarter",
        "recorded_by",
        "recorded_at",
    ]
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("meeting__forum", "recorded_by")

    @admin.display(description=_("roadmap quarter"))
    def quarter(self, transition):
        return transition.quarter_label or "–"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Wish)
class WishAdmin(HistoryAdmin):
    list_display = [
        "reference",
        "title",
        "origin_forum",
        "status",
        "is_technical",
        "roadmap",
        "priority",
        "raised_on",
    ]
    list_display_links = ["reference", "title"]
    list_filter = ["status", "origin_forum", "is_technical", "roadmap_year"]
    search_fields = ["title", "description"]
    list_select_related = ["origin_forum"]
    date_hierarchy = "raised_on"
    inlines = [WishTransitionInline]
    change_form_template = "admin/governance/wish/change_form.html"

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["title", "description", "origin_forum", "is_technical"]
        return [
            "title",
            "description",
            "origin_forum",
            "is_technical",
            "status",
            "roadmap",
            "priority",
            "raised_on",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # Where a wish comes from and whether it needs CAB shape its road;
        # once raised they stay as recorded.
        return ["origin_forum", "is_technical", "status", "roadmap", "raised_on"]

    @admin.display(description=_("No."), ordering="pk")
    def reference(self, wish):
        return wish.reference

    @admin.display(description=_("roadmap"), ordering="roadmap_year")
    def roadmap(self, wish):
        return wish.roadmap_label or "–"

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        # A new wish is raised through the service, which records the step.
        raised = services.raise_wish(
            title=obj.title,
            description=obj.description,
            origin_forum=obj.origin_forum,
            is_technical=obj.is_technical,
            by=request.user,
        )
        obj.pk = raised.pk
        obj.status = raised.status
        obj._state.adding = False

    def get_urls(self):
        return [
            path(
                "<int:object_id>/step/",
                self.admin_site.admin_view(self.transition_view),
                name="governance_wish_transition",
            )
        ] + super().get_urls()

    def transition_view(self, request, object_id):
        wish = get_object_or_404(Wish.objects.select_related("origin_forum"), pk=object_id)
        if not self.has_change_permission(request, wish):
            raise PermissionDenied
        form = TransitionForm(request.POST or None, wish=wish)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                record = services.apply_transition(
                    wish=wish,
                    name=data["transition"],
                    by=request.user,
                    meeting=data["meeting"],
                    reason=data["reason"],
                    quarter=data["quarter"] or None,
                    priority=data["priority"],
                )
            except TransitionNotAllowed as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                self.message_user(
                    request,
                    gettext("“%(step)s” is recorded; the wish is now “%(status)s”.")
                    % {
                        "step": record.get_name_display(),
                        "status": record.get_to_status_display(),
                    },
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:governance_wish_change", args=[wish.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": wish,
            "title": gettext("Record the next step of %(wish)s") % {"wish": wish},
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/governance/wish/transition.html", context)
