"""The coordinators' wave planning in the admin.

A plan is reviewed on the list of its municipalities (the Assignment
changelist, filtered to one plan): per wave against capacity, with the
figures the plan was computed from, filters, search and bulk actions that
move, pin and unpin. From there a coordinator recomputes, compares and
publishes. Published, superseded and historical plans are read-only: the
actions are not offered and the services refuse them.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fmkrollout.text_limits import limit_help_text, with_limit
from municipalities.admin_mixins import (
    HistoryAdmin,
    LabelledListEditableMixin,
    QuickActionCheckboxMixin,
    object_or_404,
)
from municipalities.models import Municipality

from . import planning, services
from .comparison import compare_plans
from .models import (
    Assignment,
    GPAdoption,
    HospitalAdoption,
    MunicipalityVendor,
    Pin,
    PlanningWeights,
    PlanRun,
    Scenario,
    Vendor,
    VendorAgreement,
    VendorPlan,
    Wave,
    WavePlan,
)


def review_url(plan):
    return reverse("admin:waves_assignment_changelist") + "?" + urlencode({"plan": plan.pk})


def default_plan():
    """The plan the review opens on: the current draft, else the published."""
    plans = WavePlan.objects.without_inputs()
    return plans.current_draft() or plans.published().first()


def capacity_shortfall(capacities):
    """The error when the waves' capacities cannot hold every municipality
    (the solver would find no plan), or None."""
    municipalities = Municipality.objects.count()
    total = sum(capacities)
    if total >= municipalities:
        return None
    return ValidationError(
        _(
            "The waves hold %(total)s municipalities together, but there are "
            "%(municipalities)s: raise the capacities by at least %(missing)s in all."
        ),
        code="capacity_too_small",
        params={
            "total": total,
            "municipalities": municipalities,
            "missing": municipalities - total,
        },
    )


class WaveForm(forms.ModelForm):
    class Meta:
        model = Wave
        fields = ["number", "name", "name_en", "starts_on", "ends_on", "capacity"]

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        others = Wave.objects.exclude(pk=self.instance.pk).values_list("capacity", flat=True)
        error = capacity_shortfall([capacity, *others])
        if error is not None:
            raise error
        return capacity


class WaveCapacitiesFormSet(forms.BaseModelFormSet):
    """The changelist's editable capacities, checked together."""

    def clean(self):
        super().clean()
        edited = {
            form.instance.pk: form.cleaned_data["capacity"]
            for form in self.forms
            if form.cleaned_data.get("capacity") is not None
        }
        others = Wave.objects.exclude(pk__in=edited).values_list("capacity", flat=True)
        error = capacity_shortfall([*edited.values(), *others])
        if error is not None:
            raise error


class WaveChangelistForm(forms.ModelForm):
    def clean_capacity(self):
        return self.cleaned_data["capacity"]  # checked together by the formset


@admin.register(Wave)
class WaveAdmin(LabelledListEditableMixin, HistoryAdmin):
    form = WaveForm
    list_display = ["number", "name", "name_en", "starts_on", "ends_on", "capacity"]
    list_editable = ["capacity"]
    ordering = ["number"]

    def get_changelist_form(self, request, **kwargs):
        return WaveChangelistForm

    def get_changelist_formset(self, request, **kwargs):
        kwargs["formset"] = WaveCapacitiesFormSet
        return super().get_changelist_formset(request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PlanningWeights)
class PlanningWeightsAdmin(HistoryAdmin):
    """One row: the weights every regular recomputation uses."""

    fields = PlanningWeights.WEIGHT_NAMES
    list_display = ["__str__", *PlanningWeights.WEIGHT_NAMES, "updated_at"]

    def changelist_view(self, request, extra_context=None):
        weights = PlanningWeights.current()
        return redirect("admin:waves_planningweights_change", weights.pk)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.changed_data:
            messages.info(
                request,
                _("The weights apply from the next recomputation. Recompute to see their effect."),
            )


class ScenarioPinInline(admin.TabularInline):
    model = Pin
    extra = 1
    fields = ["municipality", "wave", "reason"]
    autocomplete_fields = ["municipality"]
    verbose_name = gettext_lazy("the scenario's own pin")
    verbose_name_plural = gettext_lazy("the scenario's own pins (on top of the regular pins)")


@admin.register(Scenario)
class ScenarioAdmin(HistoryAdmin):
    list_display = ["name", *Scenario.WEIGHT_NAMES, "created_by", "created_at"]
    search_fields = ["name", "description"]
    fields = ["name", "description", *Scenario.WEIGHT_NAMES]
    inlines = [ScenarioPinInline]
    actions = ["compute"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for pin in formset.save(commit=False):
            pin.created_by = pin.created_by or request.user
            pin.save()
        for pin in formset.deleted_objects:
            pin.delete()

    @admin.action(description=gettext_lazy("Compute the selected scenarios"))
    def compute(self, request, queryset):
        for scenario in queryset:
            run = planning.request_recomputation(
                origin=WavePlan.Origin.SCENARIO,
                by=request.user,
                reason=_("Scenario “%(name)s”") % {"name": scenario.name},
                scenario=scenario,
            )
            messages.info(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("Computation queued."),
                    reverse("admin:waves_planrun_change", args=[run.pk]),
                    _("Follow it"),
                ),
            )


@admin.register(Pin)
class PinAdmin(HistoryAdmin):
    list_display = ["municipality", "wave", "reason", "scenario", "created_by", "created_at"]
    list_filter = ["wave", "scenario", "municipality__region"]
    search_fields = ["municipality__short_name", "municipality__code", "reason"]
    list_select_related = ["municipality", "wave", "scenario", "created_by"]
    autocomplete_fields = ["municipality"]
    fields = ["municipality", "wave", "reason", "scenario"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(GPAdoption)
class GPAdoptionAdmin(HistoryAdmin):
    list_display = ["municipality", "status", "share", "definition", "source", "measured_on"]
    list_filter = ["status", "definition", "municipality__region"]
    search_fields = ["municipality__short_name", "municipality__code"]
    list_select_related = ["municipality"]
    autocomplete_fields = ["municipality"]


@admin.register(HospitalAdoption)
class HospitalAdoptionAdmin(HistoryAdmin):
    list_display = ["region", "status", "share", "go_live", "source", "measured_on"]
    list_filter = ["status", "go_live"]
    search_fields = ["region__name", "source"]
    list_select_related = ["region"]


class VendorPlanInline(admin.StackedInline):
    model = VendorPlan
    extra = 0
    max_num = 1


@admin.register(Vendor)
class VendorAdmin(HistoryAdmin):
    list_display = ["name", "is_demo", "earliest_wave", "customer_count"]
    list_filter = ["is_demo"]
    search_fields = ["name"]
    inlines = [VendorPlanInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("plan__earliest_wave")
            .annotate(customer_count=Count("customers"))
        )

    @admin.display(description=gettext_lazy("earliest wave"))
    def earliest_wave(self, vendor):
        plan = getattr(vendor, "plan", None)
        return plan.earliest_wave if plan and plan.earliest_wave else "–"

    @admin.display(description=gettext_lazy("municipalities"), ordering="customer_count")
    def customer_count(self, vendor):
        return vendor.customer_count


class VendorAgreementInline(admin.TabularInline):
    model = VendorAgreement
    extra = 1
    autocomplete_fields = ["municipality"]


@admin.register(VendorPlan)
class VendorPlanAdmin(HistoryAdmin):
    list_display = ["vendor", "earliest_wave", "source", "received_on"]
    list_filter = ["earliest_wave"]
    list_select_related = ["vendor", "earliest_wave"]
    search_fields = ["vendor__name"]
    inlines = [VendorAgreementInline]


@admin.register(VendorAgreement)
class VendorAgreementAdmin(HistoryAdmin):
    """The agreements one by one, with their history (also edited inline
    on the vendor's plan)."""

    list_display = ["municipality", "vendor", "wave", "note"]
    list_filter = ["wave", "plan__vendor", "municipality__region"]
    search_fields = ["municipality__short_name", "municipality__code", "plan__vendor__name"]
    list_select_related = ["municipality", "wave", "plan__vendor"]
    autocomplete_fields = ["municipality"]

    @admin.display(description=gettext_lazy("vendor"), ordering="plan__vendor__name")
    def vendor(self, agreement):
        return agreement.plan.vendor


@admin.register(MunicipalityVendor)
class MunicipalityVendorAdmin(HistoryAdmin):
    list_display = ["municipality", "vendor", "override_limit", "override_reason", "recorded_on"]
    list_filter = ["vendor", "override_limit", "municipality__region"]
    search_fields = ["municipality__short_name", "municipality__code", "vendor__name"]
    list_select_related = ["municipality", "vendor"]
    autocomplete_fields = ["municipality"]


@admin.register(PlanRun)
class PlanRunAdmin(admin.ModelAdmin):
    """Recomputations: queued, running (the page refreshes itself), and how
    each ended, with a link to its plan."""

    list_display = [
        "__str__",
        "status",
        "step",
        "requested_by",
        "changes",
        "created_at",
        "started_at",
        "finished_at",
        "plan_link",
    ]
    list_filter = ["status", "origin"]
    list_select_related = ["requested_by", "plan__scenario"]
    change_form_template = "admin/waves/planrun/change_form.html"
    readonly_fields = [
        "origin",
        "scenario",
        "status",
        "step",
        "requested_by",
        "reason",
        "changes",
        "created_at",
        "started_at",
        "finished_at",
        "attempts",
        "message",
        "plan_link",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("resulting plan"))
    def plan_link(self, run):
        if run.plan is None:
            return "–"
        return format_html('<a href="{}">{}</a>', review_url(run.plan), run.plan)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = object_or_404(self, request, object_id)
        extra_context = {
            **(extra_context or {}),
            "run": run,
            "refresh": not run.is_finished,
            "review_url": review_url(run.plan) if run.plan and run.plan.has_plan else None,
            "published": WavePlan.objects.published().first(),
        }
        return super().change_view(request, object_id, form_url, extra_context)


class PlanFilter(admin.SimpleListFilter):
    """Which plan's municipalities to show; the current draft by default."""

    title = gettext_lazy("plan")
    parameter_name = "plan"

    def lookups(self, request, model_admin):
        plans = WavePlan.objects.with_plan().select_related("scenario").defer("inputs", "summary")
        return [(str(p.pk), f"{p} ({p.get_status_display()})") for p in plans]

    def value(self):
        value = super().value()
        if value is None:
            # Asked once per choice: look the default up once.
            if not hasattr(self, "_default"):
                plan = default_plan()
                self._default = str(plan.pk) if plan else None
            return self._default
        return value

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset.none()
        try:
            return queryset.filter(plan_id=int(value))
        except ValueError:
            return queryset.none()


class VendorFilter(admin.SimpleListFilter):
    title = gettext_lazy("EOJ vendor")
    parameter_name = "vendor"

    def lookups(self, request, model_admin):
        names = Vendor.objects.order_by("name").values_list("name", flat=True)
        return [(name, name) for name in names]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(vendor_name=self.value())
        return queryset


class MoveForm(forms.Form):
    wave = forms.ModelChoiceField(Wave.objects.all(), label=gettext_lazy("Move to"))
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=300,
        help_text=with_limit(
            gettext_lazy("Required: the move pins the municipality; the reason is kept."), 300
        ),
    )


class PinForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=300, help_text=limit_help_text(300)
    )


@admin.register(Assignment)
class AssignmentAdmin(QuickActionCheckboxMixin, admin.ModelAdmin):
    """A plan's municipalities: the coordinators' review and adjusting page."""

    list_display = [
        "municipality_link",
        "code",
        "region",
        "wave",
        "readiness",
        "wish",
        "gp",
        "hospital",
        "vendor",
        "pinned",
        "neighbours_in_other_waves",
    ]
    list_display_links = None
    list_filter = [
        PlanFilter,
        "wave",
        "municipality__region",
        VendorFilter,
        "is_pinned",
        "wish_met",
    ]
    search_fields = ["municipality__short_name", "municipality__name", "=municipality__code"]
    # Not the plan: every row would carry its whole inputs snapshot.
    list_select_related = ["municipality__region", "wave"]
    list_per_page = 500
    ordering = ["wave__number", "municipality__short_name"]
    actions = ["move_to_wave", "pin_in_wave", "unpin"]
    change_list_template = "admin/waves/assignment/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # The list shows neither the explanation nor the map shape.
        return (
            super()
            .get_queryset(request)
            .select_related(*self.list_select_related)
            .defer("explanation")
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Changes go through the actions (and their services), never a form:
        # a single row opens its explanation instead.
        assignment = object_or_404(self, request, object_id)
        return HttpResponseRedirect(assignment.get_absolute_url())

    def _plan(self, request):
        value = request.GET.get("plan")
        if value:
            try:
                plans = WavePlan.objects.without_inputs().select_related("scenario", "made_by")
                return plans.filter(pk=int(value)).first()
            except ValueError:
                return None
        return default_plan()

    def get_actions(self, request):
        actions = super().get_actions(request)
        plan = self._plan(request)
        if (
            plan is None
            or not plan.is_editable
            or not request.user.has_perm("waves.change_assignment")
        ):
            for name in ("move_to_wave", "pin_in_wave", "unpin"):
                actions.pop(name, None)
        return actions

    def changelist_view(self, request, extra_context=None):
        plan = self._plan(request)
        capacity = []
        if plan is not None:
            counts = dict(
                plan.assignments.values_list("wave_id").annotate(n=Count("pk")).order_by()
            )
            for wave in Wave.objects.all():
                count = counts.get(wave.pk, 0)
                capacity.append(
                    {
                        "wave": wave,
                        "count": count,
                        "over": count > wave.capacity,
                        "under": count < wave.capacity,
                    }
                )
        extra_context = {
            **(extra_context or {}),
            "plan": plan,
            "freshness_note": planning.describe_changes(
                planning.freshness(plan, with_names=True) if plan else None
            ),
            "moved_by_hand": plan is not None
            and plan.assignments.filter(moved_by_hand=True).exists(),
            "capacity": capacity,
            "title": str(plan) if plan else _("No wave plan yet"),
            "can_change": request.user.has_perm("waves.change_waveplan"),
        }
        return super().changelist_view(request, extra_context)

    @admin.display(description=gettext_lazy("municipality"), ordering="municipality__short_name")
    def municipality_link(self, a):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("waves:explanation", args=[a.plan_id, a.municipality_id]),
            a.municipality.short_name,
        )

    @admin.display(description=gettext_lazy("code"), ordering="municipality__code")
    def code(self, a):
        return a.municipality_id

    @admin.display(description=gettext_lazy("region"), ordering="municipality__region__name")
    def region(self, a):
        return a.municipality.region.name.removeprefix("Region ")

    @admin.display(description=gettext_lazy("readiness"), ordering="readiness_score")
    def readiness(self, a):
        return "–" if a.readiness_score is None else f"{a.readiness_score:.0f}"

    @admin.display(description=gettext_lazy("own wish"), ordering="wish_wave")
    def wish(self, a):
        if a.wish_wave is None:
            return "–"
        return f"{a.wish_wave} ✓" if a.wish_met else f"{a.wish_wave} ✗"

    @admin.display(description=gettext_lazy("GP %"), ordering="gp_adoption")
    def gp(self, a):
        return "–" if a.gp_adoption is None else f"{a.gp_adoption:.0f}"

    @admin.display(description=gettext_lazy("hospital %"), ordering="hospital_adoption")
    def hospital(self, a):
        return "–" if a.hospital_adoption is None else f"{a.hospital_adoption:.0f}"

    @admin.display(description=gettext_lazy("EOJ vendor"), ordering="vendor_name")
    def vendor(self, a):
        if not a.vendor_name:
            return "–"
        if a.earliest_wave:
            return _("%(vendor)s (from wave %(wave)s)") % {
                "vendor": a.vendor_name,
                "wave": a.earliest_wave,
            }
        return a.vendor_name

    @admin.display(description=gettext_lazy("pinned"), ordering="is_pinned")
    def pinned(self, a):
        if not a.is_pinned:
            return "–"
        return format_html("<strong>{}</strong>: {}", _("yes"), a.pin_reason)

    def _run_form_action(self, request, queryset, form_class, title, apply, initial=None):
        """An action with an intermediate page: show the form, then apply."""
        plan = self._plan(request)
        if plan is None or not plan.is_editable:
            self.message_user(request, _("Only drafts can be changed."), messages.ERROR)
            return None
        form = form_class(request.POST if "apply" in request.POST else None, initial=initial)
        if "apply" in request.POST and form.is_valid():
            try:
                apply(
                    plan,
                    [a.municipality for a in queryset.select_related("municipality")],
                    form.cleaned_data,
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return None
            self.message_user(
                request,
                _(
                    "%(count)s municipalities changed and pinned. The plan is marked as changed "
                    "by hand: recompute it to re-optimise around the pins."
                )
                % {"count": queryset.count()},
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/waves/assignment/action_form.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "plan": plan,
                "form": form,
                "assignments": queryset.select_related("municipality", "wave"),
                "action": request.POST.get("action"),
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            },
        )

    @admin.action(
        description=gettext_lazy("Move to another wave (pins, with a reason)"),
        permissions=["change"],
    )
    def move_to_wave(self, request, queryset):
        return self._run_form_action(
            request,
            queryset,
            MoveForm,
            _("Move to another wave"),
            lambda plan, municipalities, data: services.move_municipalities(
                plan=plan,
                municipalities=municipalities,
                wave=data["wave"],
                reason=data["reason"],
                by=request.user,
            ),
        )

    @admin.action(
        description=gettext_lazy("Pin in their current wave (with a reason)"),
        permissions=["change"],
    )
    def pin_in_wave(self, request, queryset):
        return self._run_form_action(
            request,
            queryset,
            PinForm,
            _("Pin in the current wave"),
            lambda plan, municipalities, data: services.pin_municipalities(
                plan=plan, municipalities=municipalities, reason=data["reason"], by=request.user
            ),
        )

    @admin.action(description=gettext_lazy("Unpin"), permissions=["change"])
    def unpin(self, request, queryset):
        plan = self._plan(request)
        try:
            services.unpin_municipalities(
                plan=plan,
                municipalities=[a.municipality for a in queryset.select_related("municipality")],
                by=request.user,
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        self.message_user(
            request,
            _("Unpinned; the next recomputation may move them."),
            messages.SUCCESS,
        )


class CompareForm(forms.Form):
    other = forms.ModelChoiceField(
        WavePlan.objects.none(), label=gettext_lazy("Compare with"), empty_label=None
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = (
            WavePlan.objects.with_plan().exclude(pk=plan.pk).select_related("scenario")
        )


class PublishForm(forms.Form):
    decision = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=gettext_lazy("Approving decision (optional)"),
        help_text=gettext_lazy("The governance decision that approved the plan, if any."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from governance.models import Decision

        self.fields["decision"].queryset = Decision.objects.select_related("meeting")


@admin.register(WavePlan)
class WavePlanAdmin(HistoryAdmin):
    list_display = [
        "__str__",
        "status",
        "origin",
        "created_at",
        "made_by",
        "solver_status",
        "objective",
        "split_pairs",
        "wishes",
    ]
    list_filter = ["status", "origin", "solver_status", "scenario"]
    list_select_related = ["scenario", "made_by"]
    search_fields = ["name", "name_en", "reason", "scenario__name"]
    readonly_fields = [
        "name",
        "name_en",
        "status",
        "origin",
        "scenario",
        "made_by",
        "reason",
        "created_at",
        "based_on",
        "solver_status",
        "solver_message",
        "objective",
        "gap",
        "solve_seconds",
        "out_of_date",
        "published_at",
        "published_by",
        "decision",
        "superseded_at",
    ]
    exclude = ["inputs", "summary", "input_fingerprints"]
    actions = ["export_to_excel"]

    @admin.display(description=gettext_lazy("out of date"))
    def out_of_date(self, plan):
        state = planning.freshness(plan, with_names=True)
        if state is None:
            return "–"
        return planning.describe_changes(state) or _("No: made from today's inputs.")

    def get_queryset(self, request):
        # The list never shows the snapshot; it is large at 5,000.
        return super().get_queryset(request).defer("inputs")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Plans are versions: kept, never deleted (scenario drafts included).
        return False

    @admin.action(description=gettext_lazy("Export to Excel"), permissions=["view"])
    def export_to_excel(self, request, queryset):
        from .export_views import plan_workbook_response

        if queryset.count() != 1:
            self.message_user(request, _("Choose one plan to export."), messages.WARNING)
            return None
        plan = queryset.select_related("made_by", "published_by").get()
        return plan_workbook_response(plan, request.user)

    @admin.display(description=gettext_lazy("split pairs"))
    def split_pairs(self, plan):
        return len((plan.summary or {}).get("split_pairs", [])) if plan.has_plan else "–"

    @admin.display(description=gettext_lazy("wishes met"))
    def wishes(self, plan):
        summary = plan.summary or {}
        if not summary.get("wishes_total"):
            return "–"
        return f"{summary['wishes_met']} / {summary['wishes_total']}"

    def get_urls(self):
        own = [
            path(
                "<int:plan_id>/genberegn/",
                self.admin_site.admin_view(self.recompute_view),
                name="waves_waveplan_recompute",
            ),
            path(
                "<int:plan_id>/offentliggoer/",
                self.admin_site.admin_view(self.publish_view),
                name="waves_waveplan_publish",
            ),
            path(
                "<int:plan_id>/sammenlign/",
                self.admin_site.admin_view(self.compare_view),
                name="waves_waveplan_compare",
            ),
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        plan = object_or_404(self, request, object_id)
        if plan.has_plan and "details" not in request.GET:
            return HttpResponseRedirect(review_url(plan))
        extra_context = {**(extra_context or {}), "show_save": False}
        return super().change_view(request, object_id, form_url, extra_context)

    def has_change_permission(self, request, obj=None):
        # Plans are only changed through their actions (pins, publishing).
        return False

    def _require_change(self, request):
        if not request.user.has_perm("waves.change_waveplan"):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied

    def recompute_view(self, request, plan_id):
        self._require_change(request)
        plan = get_object_or_404(WavePlan, pk=plan_id)
        if request.method != "POST":
            return HttpResponseRedirect(review_url(plan))
        run = planning.request_recomputation(
            origin=WavePlan.Origin.SCENARIO if plan.scenario_id else WavePlan.Origin.MANUAL,
            by=request.user,
            reason=request.POST.get("reason", "").strip() or _("Recomputed from the admin"),
            scenario=plan.scenario,
            dispatch=False,
        )
        # Sent here rather than after a commit (this view runs in autocommit),
        # so that a broker that is down can be told to the coordinator.
        if run.status == PlanRun.Status.QUEUED and not planning.send(run):
            self.message_user(
                request,
                _(
                    "The task queue cannot be reached just now: the recomputation is queued "
                    "and starts as soon as it answers."
                ),
                messages.WARNING,
            )
        return HttpResponseRedirect(reverse("admin:waves_planrun_change", args=[run.pk]))

    def compare_view(self, request, plan_id):
        plan = get_object_or_404(WavePlan.objects.select_related("scenario"), pk=plan_id)
        default = WavePlan.objects.published().exclude(pk=plan.pk).first() or (
            WavePlan.objects.historical().first()
        )
        form = CompareForm(
            request.GET if "other" in request.GET else None,
            plan=plan,
            initial={"other": default},
        )
        other = form.cleaned_data["other"] if form.is_valid() else default
        comparison = compare_plans(other, plan) if other else None
        return TemplateResponse(
            request,
            "admin/waves/waveplan/compare.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Compare %(plan)s") % {"plan": plan},
                "plan": plan,
                "form": form,
                "comparison": comparison,
                "review_url": review_url(plan),
                "opts": WavePlan._meta,
            },
        )

    def publish_view(self, request, plan_id):
        self._require_change(request)
        plan = get_object_or_404(WavePlan.objects.select_related("scenario"), pk=plan_id)
        published = WavePlan.objects.published().first()
        form = PublishForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.publish_plan(
                    plan=plan, by=request.user, decision=form.cleaned_data["decision"]
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _(
                        "%(plan)s is published. Project managers whose wave changed are "
                        "notified by e-mail."
                    )
                    % {"plan": plan},
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(review_url(plan))
        baseline = published or WavePlan.objects.historical().first()
        return TemplateResponse(
            request,
            "admin/waves/waveplan/publish.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Publish %(plan)s?") % {"plan": plan},
                "plan": plan,
                "freshness_note": planning.describe_changes(
                    planning.freshness(plan, with_names=True)
                ),
                "breaches": services.publication_problems(plan) if plan.has_plan else [],
                "published": published,
                "form": form,
                "comparison": compare_plans(baseline, plan) if baseline else None,
                "review_url": review_url(plan),
                "opts": WavePlan._meta,
            },
        )
