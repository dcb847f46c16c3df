from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fmkrollout.text_limits import COMMENT, with_limit

from . import wish_flow
from .models import Forum, Meeting, Wish
from .wish_flow import Quarter

# How far ahead the roadmap reaches in the forms (in quarters).
ROADMAP_HORIZON = 16


def roadmap_quarter_choices(today=None):
    quarter = Quarter.of(today or timezone.localdate())
    choices = [("", _("— choose a quarter —"))]
    for _index in range(ROADMAP_HORIZON):
        choices.append((str(quarter), quarter.label))
        quarter = quarter.next()
    return choices


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, meeting):
        when = timezone.localtime(meeting.starts_at)
        return f"{meeting.forum.short_name}, {when:%d.%m.%Y}"


class TransitionForm(forms.Form):
    """The next step of a wish; the rules are `wish_flow`'s, applied by
    `services.apply_transition`, whose errors the view puts on the fields."""

    transition = forms.ChoiceField(label=_("Step"))
    meeting = MeetingChoiceField(
        label=_("Decided in the meeting"), queryset=Meeting.objects.none()
    )
    quarter = forms.ChoiceField(
        label=_("Roadmap quarter"),
        required=False,
        help_text=_("Only for steps that put the wish on the roadmap."),
    )
    priority = forms.IntegerField(
        label=_("Priority"),
        required=False,
        min_value=1,
        max_value=999,
        help_text=_("1 is the most important. Empty: unchanged."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=COMMENT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=with_limit(_("Why the forum decided so; kept with the wish."), COMMENT),
    )

    def __init__(self, *args, wish, **kwargs):
        super().__init__(*args, **kwargs)
        steps = wish.allowed_transitions()
        self.fields["transition"].choices = [(t.name, t.label) for t in steps]
        kinds = {kind for t in steps for kind in t.forum_kinds}
        self.fields["meeting"].queryset = (
            Meeting.objects.filter(forum__kind__in=kinds, starts_at__lte=timezone.now())
            .select_related("forum")
            .order_by("-starts_at")
        )
        self.fields["quarter"].choices = roadmap_quarter_choices()


class WishForm(forms.ModelForm):
    meeting = MeetingChoiceField(
        label=_("Raised in the meeting"),
        queryset=Meeting.objects.none(),
        required=False,
        help_text=_("Optional: wishes also arrive between meetings."),
    )

    class Meta:
        model = Wish
        fields = ["title", "description", "origin_forum", "is_technical"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["origin_forum"].queryset = Forum.objects.filter(
            kind__in=wish_flow.ORIGIN_FORUM_KINDS
        )
        self.fields["meeting"].queryset = (
            Meeting.objects.filter(
                forum__kind__in=wish_flow.ORIGIN_FORUM_KINDS, starts_at__lte=timezone.now()
            )
            .select_related("forum")
            .order_by("-starts_at")
        )

    def clean(self):
        cleaned = super().clean()
        meeting, forum = cleaned.get("meeting"), cleaned.get("origin_forum")
        if meeting and forum and meeting.forum_id != forum.pk:
            self.add_error(
                "meeting",
                forms.ValidationError(
                    _("The meeting is not one of %(forum)s."),
                    code="other_forum",
                    params={"forum": forum.short_name},
                ),
            )
        return cleaned
