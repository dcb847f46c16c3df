from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, SetUnusablePasswordMixin
from django.contrib.auth.models import Group
from django.db.models import BooleanField, Count, ExpressionWrapper
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .admin_mixins import ReadOnlyAdminMixin
from .models import Membership, Municipality, NeighbourPair, Region
from .roles import GROUP_LABELS, group_label, waiting_for_access, waiting_for_access_condition


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "municipality_count"]
    search_fields = ["name", "code"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(municipality_count=Count("municipalities"))

    @admin.display(description=_("municipalities"), ordering="municipality_count")
    def municipality_count(self, region):
        return region.municipality_count


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    verbose_name = _("project manager")
    verbose_name_plural = _("project managers")


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["short_name", "code", "name", "region", "project_managers"]
    list_filter = ["region"]
    search_fields = ["short_name", "name", "code"]
    list_select_related = ["region"]
    readonly_fields = [
        "code",
        "name",
        "short_name",
        "region",
        "centroid_lon",
        "centroid_lat",
        "area_km2",
    ]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        # One query for the project managers of the whole page.
        return super().get_queryset(request).prefetch_related("memberships__user")

    @admin.display(description=_("project managers"))
    def project_managers(self, municipality):
        return ", ".join(
            m.user.get_full_name() or m.user.username for m in municipality.memberships.all()
        )

    def has_add_permission(self, request):
        # The 98 municipalities are reference data (load_reference), not typed in.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NeighbourPair)
class NeighbourPairAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["a", "b", "kind"]
    list_filter = ["kind", "a__region"]
    search_fields = ["a__short_name", "b__short_name", "a__code", "b__code"]
    list_select_related = ["a", "b"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["municipality", "user", "user_email", "created_at"]
    list_filter = ["municipality__region"]
    search_fields = [
        "municipality__short_name",
        "municipality__code",
        "user__username",
        "user__first_name",
        "user__last_name",
        "user__email",
    ]
    list_select_related = ["municipality", "user"]
    autocomplete_fields = ["user", "municipality"]

    @admin.display(description=_("e-mail"), ordering="user__email")
    def user_email(self, membership):
        return membership.user.email


class UserMembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["municipality"]
    verbose_name = _("municipality (as project manager)")
    verbose_name_plural = _("municipalities (as project manager)")


User = get_user_model()
admin.site.unregister(Group)


@admin.register(Group)
class PortalGroupAdmin(GroupAdmin):
    """The role groups, named in the reader's language."""

    list_display = ["label"]

    @admin.display(description=_("name"), ordering="name")
    def label(self, group):
        return group_label(group)


class RoleGroupFilter(admin.RelatedFieldListFilter):
    """The users' list filtered by group, the groups named as in `group_label`."""

    def field_choices(self, field, request, model_admin):
        choices = super().field_choices(field, request, model_admin)
        return [(pk, GROUP_LABELS.get(name, name)) for pk, name in choices]


class AccessFilter(admin.SimpleListFilter):
    """Users waiting for a coordinator to give them a role (and, for
    project managers, a municipality), or those who have access."""

    title = _("access")
    parameter_name = "access"

    def lookups(self, request, model_admin):
        return [("waiting", _("Waiting for access")), ("granted", _("Has access"))]

    def queryset(self, request, queryset):
        waiting = waiting_for_access(queryset)
        if self.value() == "waiting":
            return waiting
        if self.value() == "granted":
            return queryset.exclude(pk__in=waiting.values("pk"))
        return queryset


class PasswordChangeForm(AdminPasswordChangeForm):
    # Django joins its lazily translated help text with an untranslated
    # warning when the module is imported, which fixes the text in the
    # language active then; joined lazily here, both parts follow the reader.
    usable_password_help_text = format_lazy(
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        SetUnusablePasswordMixin.usable_password_help_text,
        _("If disabled, the current password for this user will be lost."),
    )


admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    """Users with their role and the municipalities they work for."""

    inlines = [UserMembershipInline]
    list_display = ["username", "get_full_name", "email", "roles", "municipalities", "is_active"]
    list_filter = [AccessFilter, ("groups", RoleGroupFilter), "is_active", "is_staff"]
    change_password_form = PasswordChangeForm

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("groups", "municipality_memberships__municipality")
            .annotate(
                is_waiting=ExpressionWrapper(
                    waiting_for_access_condition(User), output_field=BooleanField()
                )
            )
        )

    def has_change_permission(self, request, obj=None):
        # A superuser's account (password included) is changed by a
        # superuser only: otherwise a coordinator could take it over.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # A coordinator assigns roles (groups) but cannot make anyone, least
        # of all themselves, a superuser or hand out single permissions.
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
        return readonly

    @admin.display(description=_("role"))
    def roles(self, user):
        roles = ", ".join(str(group_label(group)) for group in user.groups.all())
        if not user.is_waiting:
            return roles
        marker = format_html("<strong>{}</strong>", _("Waiting for access"))
        return format_html("{} · {}", roles, marker) if roles else marker

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups":
            field.label_from_instance = group_label
        return field

    @admin.display(description=_("municipalities"))
    def municipalities(self, user):
        return ", ".join(m.municipality.short_name for m in user.municipality_memberships.all())
