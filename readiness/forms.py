"""Forms of the readiness app: the questionnaire, the review, the weights."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fmkrollout.text_limits import COMMENT, limit_help_text, with_limit

from .models import ReviewStatus
from .services import AnswerData

ACTION_DRAFT = "draft"
ACTION_SUBMIT = "submit"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _answer_labels(options):
    return ", ".join(option.localized("label") for option in options)


class QuestionnaireForm(forms.Form):
    """All questions of a questionnaire on one form.

    Fields are named by question key (`eoj_budget`, `eoj_budget-date`,
    `eoj_budget-comment`), never by database id, and the municipality comes
    from the URL, so nothing on the form can point the save elsewhere. The
    hidden `revision` is the number the person started from.
    """

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, questions, action=ACTION_DRAFT, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        self.action = action
        # Another person's changes by question key, shown after a conflict.
        self.theirs = {}
        for question in self.questions:
            self.fields[question.key] = forms.TypedChoiceField(
                label=question.localized("text"),
                help_text=question.localized("help_text"),
                choices=[
                    (option.pk, option.localized("label")) for option in question.options.all()
                ],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
            dated = [option for option in question.options.all() if option.asks_for_date]
            if dated:
                self.fields[f"{question.key}-date"] = forms.DateField(
                    label=_("Expected in place by"),
                    # The question's own words ("being appointed" for a
                    # person, "being established" for a budget), so the
                    # hint and the answer it refers to always match.
                    help_text=_("Only if the answer is “%(answer)s”.")
                    % {"answer": _answer_labels(dated)},
                    required=False,
                    # questionnaire.js shows the date only with these
                    # answers; without JavaScript the hint says when.
                    widget=DateInput(
                        attrs={
                            "data-shown-with": question.key,
                            "data-shown-for": " ".join(str(option.pk) for option in dated),
                        }
                    ),
                )
            self.fields[f"{question.key}-comment"] = forms.CharField(
                label=_("Comment"),
                required=False,
                max_length=COMMENT,
                help_text=limit_help_text(COMMENT),
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    @property
    def is_submit(self):
        return self.action == ACTION_SUBMIT

    def rows(self):
        """(question, answer field, date field or None, comment field, theirs)."""
        for question in self.questions:
            date_name = f"{question.key}-date"
            yield (
                question,
                self[question.key],
                self[date_name] if date_name in self.fields else None,
                self[f"{question.key}-comment"],
                self.theirs.get(question.key),
            )

    def clean(self):
        cleaned = super().clean()
        for question in self.questions:
            options = {option.pk: option for option in question.options.all()}
            option = options.get(cleaned.get(question.key))
            date_name = f"{question.key}-date"
            if option is None or not option.asks_for_date:
                # A date only means something with "being established / planned".
                cleaned[date_name] = None
            if not self.is_submit:
                continue
            if option is None and question.is_required:
                self.add_error(
                    question.key,
                    ValidationError(_("Choose an answer before submitting."), code="required"),
                )
            elif option is not None and option.asks_for_date and not cleaned.get(date_name):
                self.add_error(
                    date_name,
                    ValidationError(
                        _(
                            "You answered “%(answer)s”: give the date by which you expect "
                            "it to be in place."
                        ),
                        code="date_required",
                        params={"answer": option.localized("label")},
                    ),
                )
        return cleaned

    def answers(self) -> dict[int, AnswerData]:
        """The entered answers by question id, for the services."""
        return {
            question.pk: AnswerData(
                option_id=self.cleaned_data.get(question.key),
                expected_date=self.cleaned_data.get(f"{question.key}-date"),
                comment=(self.cleaned_data.get(f"{question.key}-comment") or "").strip(),
            )
            for question in self.questions
        }

    @staticmethod
    def initial_for(questions, answers, revision):
        """Initial data showing saved answers (by question id) on the form."""
        initial = {"revision": revision}
        for question in questions:
            answer = answers.get(question.pk)
            if answer is None:
                continue
            initial[question.key] = answer.option_id
            initial[f"{question.key}-date"] = answer.expected_date
            initial[f"{question.key}-comment"] = answer.comment
        return initial


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (ReviewStatus.ACCEPTED, _("Accept the answers")),
            (ReviewStatus.CLARIFICATION, _("Ask for a clarification")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment to the project manager"),
        help_text=with_limit(
            _("Required when asking for a clarification; sent by e-mail."), COMMENT
        ),
        required=False,
        max_length=COMMENT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("decision") == ReviewStatus.CLARIFICATION
            and not (cleaned.get("comment") or "").strip()
        ):
            self.add_error(
                "comment",
                ValidationError(
                    _("Say what needs clarifying: the project manager sees the comment."),
                    code="comment_required",
                ),
            )
        return cleaned
