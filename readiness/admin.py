"""The coordinators' admin: questionnaires, questions, weights, responses, reminders.

Answered questionnaire versions are shown read-only (copy to a new version
to change them); weight sets are added, never edited, and adding one
recomputes every score; responses are read-only, with their history.
"""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from municipalities.admin_mixins import HistoryAdmin, ReadOnlyAdminMixin

from . import services
from .models import (
    AnswerOption,
    Question,
    Questionnaire,
    Reminder,
    Response,
    Revision,
    Weight,
    WeightSet,
)


class FrozenInlineMixin:
    """Inlines of an answered questionnaire version can be read, not changed."""

    def _frozen(self, obj):
        questionnaire = getattr(obj, "questionnaire", obj)
        return questionnaire is not None and questionnaire.is_frozen

    def has_add_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


class QuestionInline(FrozenInlineMixin, admin.TabularInline):
    model = Question
    fields = ["order", "key", "short_label", "text", "signal", "is_required"]
    extra = 0
    show_change_link = True


@admin.register(Questionnaire)
class QuestionnaireAdmin(HistoryAdmin):
    list_display = [
        "version",
        "title",
        "deadline",
        "is_current",
        "frozen",
        "question_count",
        "response_count",
    ]
    list_filter = ["is_current"]
    search_fields = ["title", "title_en"]
    inlines = [QuestionInline]
    actions = ["copy_as_new_version"]
    fieldsets = [
        (None, {"fields": ["version", "title", "title_en", "deadline", "is_current"]}),
        (_("Introduction"), {"fields": ["introduction", "introduction_en"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                question_count=Count("questions", distinct=True),
                response_count=Count("responses", distinct=True),
            )
        )

    def get_readonly_fields(self, request, obj=None):
        # The version number is what answers refer to.
        return ["version"] if obj is not None else []

    @admin.display(description=_("questions"), ordering="question_count")
    def question_count(self, obj):
        return obj.question_count

    @admin.display(description=_("responses"), ordering="response_count")
    def response_count(self, obj):
        return obj.response_count

    @admin.display(description=_("frozen"), boolean=True)
    def frozen(self, obj):
        return obj.response_count > 0

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            if obj.is_current:
                # Only one version is current: making this one current
                # retires the previous one.
                Questionnaire.objects.exclude(pk=obj.pk).filter(is_current=True).update(
                    is_current=False
                )
            super().save_model(request, obj, form, change)

    @admin.action(description=_("Copy as a new version (to change questions or points)"))
    def copy_as_new_version(self, request, queryset):
        for questionnaire in queryset:
            copy = services.copy_questionnaire(questionnaire=questionnaire, by=request.user)
            self.message_user(
                request,
                _("Version %(version)s created from version %(source)s. It is not current yet.")
                % {"version": copy.version, "source": questionnaire.version},
                messages.SUCCESS,
            )


class AnswerOptionInline(FrozenInlineMixin, admin.TabularInline):
    model = AnswerOption
    fields = ["order", "key", "label", "label_en", "points", "asks_for_date", "wish_wave"]
    extra = 0


@admin.register(Question)
class QuestionAdmin(HistoryAdmin):
    list_display = ["short_label", "questionnaire", "order", "key", "signal", "is_required"]
    list_filter = ["questionnaire", "signal"]
    search_fields = ["text", "text_en", "short_label", "key"]
    list_select_related = ["questionnaire"]
    inlines = [AnswerOptionInline]
    fieldsets = [
        (None, {"fields": ["questionnaire", "order", "key", "signal", "is_required"]}),
        (_("Danish"), {"fields": ["text", "short_label", "help_text", "raise_hint"]}),
        (_("English"), {"fields": ["text_en", "short_label_en", "help_text_en", "raise_hint_en"]}),
    ]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.questionnaire.is_frozen:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.questionnaire.is_frozen:
            return False
        return super().has_delete_permission(request, obj)


class WeightInline(admin.TabularInline):
    model = Weight
    fields = ["question", "value"]
    readonly_fields = ["question", "value"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class WeightSetForm(forms.ModelForm):
    """A new weight set: one field per scored question, filled with today's weights."""

    class Meta:
        model = WeightSet
        fields = ["questionnaire", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = True
        questionnaire = Questionnaire.objects.current()
        self.fields["questionnaire"].initial = questionnaire
        self.scored = []
        if questionnaire is None:
            return
        current = services.weights_of(questionnaire.active_weight_set())
        for question in questionnaire.questions.all():
            if not question.is_scored:
                continue
            self.scored.append(question)
            self.fields[f"weight_{question.pk}"] = forms.IntegerField(
                label=question.localized("short_label"),
                min_value=0,
                max_value=100,
                initial=current.get(question.pk, 1),
            )

    def clean(self):
        cleaned = super().clean()
        questionnaire = cleaned.get("questionnaire")
        if questionnaire is not None and questionnaire != Questionnaire.objects.current():
            self.add_error("questionnaire", _("Weights are set for the current questionnaire."))
        values = [cleaned.get(f"weight_{q.pk}") for q in self.scored]
        if all(v is not None for v in values) and not sum(values):
            raise forms.ValidationError(_("At least one weight must be above 0."))
        return cleaned

    def weight_values(self):
        return {q.pk: self.cleaned_data[f"weight_{q.pk}"] for q in self.scored}


@admin.register(WeightSet)
class WeightSetAdmin(HistoryAdmin):
    list_display = [
        "__str__",
        "questionnaire",
        "weights_summary",
        "note",
        "created_by",
        "created_at",
    ]
    list_filter = ["questionnaire"]
    list_select_related = ["questionnaire", "created_by"]
    search_fields = ["note"]
    inlines = [WeightInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("weights__question")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            # The weight fields are added by the form itself, per question.
            kwargs.update(form=WeightSetForm, fields=["questionnaire", "note"])
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            questionnaire = Questionnaire.objects.current()
            questions = questionnaire.questions.all() if questionnaire else []
            return [
                (None, {"fields": ["questionnaire", "note"]}),
                (
                    _("Weights (a new set; scores are recomputed when you save)"),
                    {"fields": [f"weight_{q.pk}" for q in questions if q.is_scored]},
                ),
            ]
        return [
            (None, {"fields": ["questionnaire", "version", "note", "created_by", "created_at"]})
        ]

    def get_inlines(self, request, obj):
        return [WeightInline] if obj is not None else []

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["questionnaire", "version", "note", "created_by", "created_at"]
        return []

    def has_change_permission(self, request, obj=None):
        # A weight set is never edited: add a new one instead.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("weights"))
    def weights_summary(self, obj):
        return ", ".join(f"{w.question}: {w.value}" for w in obj.weights.all())

    def save_model(self, request, obj, form, change):
        weight_set = services.set_weights(
            questionnaire=form.cleaned_data["questionnaire"],
            values=form.weight_values(),
            by=request.user,
            note=form.cleaned_data["note"],
        )
        # The admin goes on with `obj` (log entry, redirect): make it the new set.
        obj.pk = weight_set.pk
        obj.version = weight_set.version
        obj.created_at = weight_set.created_at
        obj._state.adding = False
        self.message_user(
            request,
            _("Every score is being recomputed with weights v%(version)s.")
            % {"version": weight_set.version},
            messages.INFO,
        )

    def save_related(self, request, form, formsets, change):
        # The weights were written by services.set_weights.
        pass


class RevisionInline(admin.TabularInline):
    model = Revision
    fields = ["number", "kind", "created_at", "created_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-number"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    # Answers are given on the portal by the municipalities, not typed here.

    list_display = [
        "municipality",
        "region",
        "status",
        "score",
        "weight_set",
        "wish_wave",
        "review_status",
        "submitted_at",
        "demo_label",
    ]
    list_filter = [
        "status",
        "review_status",
        "is_demo",
        "municipality__region",
        "questionnaire",
        "wish_wave",
    ]
    search_fields = ["municipality__short_name", "municipality__name", "municipality__code"]
    list_select_related = ["municipality__region", "weight_set"]
    inlines = [RevisionInline]
    readonly_fields = [
        "municipality",
        "questionnaire",
        "status",
        "revision",
        "submission_count",
        "first_submitted_at",
        "submitted_at",
        "updated_at",
        "score",
        "weight_set",
        "score_computed_at",
        "wish_wave",
        "review_status",
        "review_comment",
        "reviewed_by",
        "reviewed_at",
        "is_demo",
    ]
    exclude = ["current_revision", "submitted_revision"]

    @admin.display(description=_("region"), ordering="municipality__region__name")
    def region(self, obj):
        return obj.municipality.region

    @admin.display(description=_("demo data"), ordering="is_demo")
    def demo_label(self, obj):
        return _("DEMO") if obj.is_demo else ""


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "sent_on", "sent_at", "municipality_names"]
    list_filter = ["sent_on", "questionnaire"]
    search_fields = ["user__username", "user__email", "user__last_name"]
    list_select_related = ["user"]
    date_hierarchy = "sent_on"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("municipalities")

    @admin.display(description=_("municipalities"))
    def municipality_names(self, obj):
        return ", ".join(m.short_name for m in obj.municipalities.all())
