"""Forms of the rollout pages: a task, a sparring request, an escalation."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.models import Forum, Meeting

from .models import SparringRequest, TaskStatus
from .services import TaskData


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TaskForm(forms.Form):
    """One task. The hidden `version` is the version the person started
    from; the municipality and the task come from the URL."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices)
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("Required for “not relevant” and “blocked”: why, or what blocks it."),
        required=False,
        max_length=500,
    )
    owner = forms.CharField(
        label=_("Owner"), help_text=_("Who does it."), required=False, max_length=200
    )
    done_on = forms.DateField(
        label=_("Done on"),
        help_text=_("Empty: today, when the status is “done”."),
        required=False,
        widget=DateInput,
    )
    due_on = forms.DateField(
        label=_("Due date set by hand"),
        help_text=_("Empty: the date follows the wave (%(rule)s)."),
        required=False,
        widget=DateInput,
    )
    due_override_reason = forms.CharField(
        label=_("Why this due date"), required=False, max_length=300
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, task, **kwargs):
        super().__init__(*args, **kwargs)
        self.task = task
        # Another person's changes by field name, shown after a conflict.
        self.theirs = {}
        self.fields["due_on"].help_text = self.fields["due_on"].help_text % {
            "rule": task.template.rule_label
        }

    @staticmethod
    def initial_for(task):
        data = TaskData.of(task)
        initial = {name: getattr(data, name) for name in TaskData.__dataclass_fields__}
        initial["version"] = task.version
        return initial

    def data_entered(self):
        cleaned = self.cleaned_data
        return TaskData(
            status=cleaned["status"],
            reason=cleaned.get("reason") or "",
            owner=cleaned.get("owner") or "",
            due_on=cleaned.get("due_on"),
            due_override_reason=cleaned.get("due_override_reason") or "",
            done_on=cleaned.get("done_on") if cleaned["status"] == TaskStatus.DONE else None,
            comment=cleaned.get("comment") or "",
        )

    def rows(self):
        """(field, their change or None) in form order, for the template."""
        for name in [
            "status",
            "reason",
            "owner",
            "done_on",
            "due_on",
            "due_override_reason",
            "comment",
        ]:
            yield self[name], self.theirs.get(name)


class SparringForm(forms.Form):
    topic = forms.ChoiceField(label=_("Topic"), choices=SparringRequest.Topic.choices)
    message = forms.CharField(
        label=_("What do you need?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class SparringAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class EscalationForm(forms.Form):
    deviation = forms.CharField(
        label=_("Deviation"),
        help_text=_("What is late or blocked, what it affects, and what is needed."),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    meeting = forms.ModelChoiceField(
        label=_("Programme group meeting"),
        queryset=Meeting.objects.none(),
        help_text=_("The meeting where it is put on the agenda."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        meetings = Meeting.objects.filter(forum__kind=Forum.Kind.PROGRAMME_GROUP).select_related(
            "forum"
        )
        self.fields["meeting"].queryset = meetings.order_by("-starts_at")
        upcoming = meetings.filter(starts_at__gte=timezone.now()).order_by("starts_at").first()
        if upcoming is not None and not self.is_bound:
            self.initial.setdefault("meeting", upcoming.pk)

    def clean_deviation(self):
        deviation = self.cleaned_data["deviation"].strip()
        if not deviation:
            raise ValidationError(_("Describe the deviation."), code="required")
        return deviation
