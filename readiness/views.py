"""The readiness pages: the questionnaire, answers and score, history, review, overview."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_tables2 import RequestConfig

from municipalities.access import (
    any_role_required,
    coordinator_required,
    get_municipality_for_user,
    staff_roles_required,
)
from municipalities.models import Municipality
from municipalities.roles import Role, role_of

from . import services
from .filters import ReadinessFilter
from .forms import ACTION_DRAFT, ACTION_SUBMIT, QuestionnaireForm, ReviewForm
from .models import Answer, Questionnaire, Response, ReviewStatus
from .selectors import municipalities_with_readiness, status_counts
from .tables import ReadinessTable, export_xlsx

# Where a questionnaire POSTed after the session expired waits for the login.
UNSAVED_KEY = "readiness_unsaved_answers"


def _current_questionnaire():
    questionnaire = Questionnaire.objects.current()
    if questionnaire is None:
        raise Http404(_("There is no current questionnaire."))
    return questionnaire


def _questions(questionnaire):
    return list(questionnaire.questions.prefetch_related("options"))


def _response(municipality, questionnaire):
    return (
        Response.objects.filter(municipality=municipality, questionnaire=questionnaire)
        .select_related(
            "current_revision__created_by",
            "submitted_revision__created_by",
            "weight_set",
            "reviewed_by",
            "questionnaire",
        )
        .first()
    )


def _describe(answer, options):
    """An answer as words: the option, the expected date, the comment."""
    option = options.get(answer.option_id)
    return {
        "option": option.localized("label") if option else None,
        "date": answer.expected_date,
        "comment": answer.comment,
    }


def _editable_elsewhere(user, municipality):
    """The other municipalities this user can fill in (for the switcher)."""
    if role_of(user) != Role.PROJECT_MANAGER:
        return []
    return list(Municipality.objects.editable_by(user).exclude(code=municipality.code))


def _keep_unsaved_answers(request):
    """Keep a questionnaire POSTed with an expired session until the login.

    Only the form's own fields are kept, for this page only; the form view
    shows them again (unsaved) once the person has logged in and may edit.
    """
    data = {key: request.POST.getlist(key) for key in request.POST if key != "csrfmiddlewaretoken"}
    request.session[UNSAVED_KEY] = {"path": request.path, "data": data}


def _take_unsaved_answers(request):
    kept = request.session.get(UNSAVED_KEY)
    if not kept or kept.get("path") != request.path:
        return None
    del request.session[UNSAVED_KEY]
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for key, values in kept["data"].items():
        data.setlist(key, values)
    return data


def questionnaire_form(request, code):
    """The whole questionnaire on one page: save a draft, or submit.

    Not behind login_required: a POST that arrives after the session expired
    is kept in the (new) session and shown again after the login, so no
    typing is lost.
    """
    if not request.user.is_authenticated:
        if request.method == "POST":
            _keep_unsaved_answers(request)
            messages.warning(
                request,
                _(
                    "Your session had expired, so your answers were not saved yet. "
                    "Log in again and they will be filled in for you."
                ),
            )
        return redirect_to_login(request.get_full_path())
    if role_of(request.user) is None:
        raise PermissionDenied
    municipality = get_municipality_for_user(request.user, code)
    if not Municipality.objects.editable_by(request.user).filter(code=code).exists():
        if request.method == "POST":
            raise PermissionDenied
        return redirect("readiness:answers", code)

    questionnaire = _current_questionnaire()
    questions = _questions(questionnaire)
    options = {o.pk: o for q in questions for o in q.options.all()}
    response = _response(municipality, questionnaire)
    conflict = None
    restored = False

    if request.method == "POST":
        action = ACTION_SUBMIT if request.POST.get("action") == ACTION_SUBMIT else ACTION_DRAFT
        form = QuestionnaireForm(request.POST, questions=questions, action=action)
        if form.is_valid():
            try:
                revision = services.save_answers(
                    municipality=municipality,
                    questionnaire=questionnaire,
                    answers=form.answers(),
                    base_revision=form.cleaned_data["revision"],
                    by=request.user,
                    submit=form.is_submit,
                )
            except services.EditConflict as error:
                conflict = error
                # Keep this person's input on the form; the next save is
                # based on the revision they have now seen.
                data = request.POST.copy()
                data["revision"] = error.current_revision
                form = QuestionnaireForm(data, questions=questions, action=ACTION_DRAFT)
                response = _response(municipality, questionnaire)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return _after_save(request, municipality, revision, form.is_submit)
    else:
        kept = _take_unsaved_answers(request)
        if kept is not None:
            restored = True
            form = QuestionnaireForm(kept, questions=questions, action=ACTION_DRAFT)
        else:
            current = services.answers_of(response.current_revision if response else None)
            form = QuestionnaireForm(
                initial=QuestionnaireForm.initial_for(
                    questions, current, response.revision if response else 0
                ),
                questions=questions,
            )

    if conflict is not None:
        form.theirs = {
            change.question.key: {
                "before": _describe(change.before, options),
                "after": _describe(change.after, options),
            }
            for change in conflict.changes
        }
    return render(
        request,
        "readiness/questionnaire_form.html",
        {
            "municipality": municipality,
            "questionnaire": questionnaire,
            "response": response,
            "form": form,
            "conflict": conflict,
            "restored": restored,
            "other_municipalities": _editable_elsewhere(request.user, municipality),
            "deadline_passed": questionnaire.deadline < timezone.localdate(),
        },
    )


def _after_save(request, municipality, revision, submitted):
    if revision is None:
        messages.info(request, _("Nothing had changed, so nothing new was saved."))
        return redirect("readiness:form", municipality.code)
    if submitted:
        messages.success(
            request,
            _("Thank you: %(name)s's answers are submitted (revision %(n)s).")
            % {"name": municipality.short_name, "n": revision.number},
        )
        return redirect("readiness:answers", municipality.code)
    messages.success(
        request,
        _(
            "Draft saved (revision %(n)s). It is not submitted: the coordinators see "
            "it only once you submit."
        )
        % {"n": revision.number},
    )
    return redirect("readiness:form", municipality.code)


@any_role_required
def answers(request, code):
    """The submitted answers and the score, line by line, with what would raise it."""
    municipality = get_municipality_for_user(request.user, code)
    questionnaire = _current_questionnaire()
    questions = _questions(questionnaire)
    options = {o.pk: o for q in questions for o in q.options.all()}
    response = _response(municipality, questionnaire)
    submitted = services.answers_of(response.submitted_revision) if response else {}
    score = None
    if response is not None and response.submitted_revision_id:
        weight_set = response.weight_set or questionnaire.active_weight_set()
        score = services.score_answers(questions, submitted, services.weights_of(weight_set))
    lines = {line.question_key: line for line in (score.lines if score else ())}
    rows = [
        {
            "question": question,
            "answer": _describe(submitted.get(question.pk, services.AnswerData()), options),
            "line": lines.get(question.key),
        }
        for question in questions
    ]
    can_edit = Municipality.objects.editable_by(request.user).filter(code=code).exists()
    is_coordinator = role_of(request.user) == Role.COORDINATOR
    review_form = None
    if is_coordinator and response is not None and response.submitted_revision_id:
        review_form = ReviewForm(
            initial={"decision": response.review_status, "comment": response.review_comment}
        )
    return render(
        request,
        "readiness/answers.html",
        {
            "municipality": municipality,
            "questionnaire": questionnaire,
            "response": response,
            "rows": rows,
            "score": score,
            "can_edit": can_edit,
            "review_form": review_form,
        },
    )


@any_role_required
def history(request, code):
    """Every save (who, when, what changed) and every review of the answers."""
    municipality = get_municipality_for_user(request.user, code)
    questionnaire = _current_questionnaire()
    questions = _questions(questionnaire)
    options = {o.pk: o for q in questions for o in q.options.all()}
    response = _response(municipality, questionnaire)
    entries = []
    if response is not None:
        revisions = list(
            response.revisions.select_related("created_by")
            .prefetch_related(Prefetch("answers", queryset=Answer.objects.order_by()))
            .order_by("number")
        )
        previous = {}
        for revision in revisions:
            current = services.answers_of(revision)
            changes = services.diff_answers(questions, previous, current)
            entries.append(
                {
                    "at": revision.created_at,
                    "revision": revision,
                    "changes": [
                        {
                            "question": change.question,
                            "before": _describe(change.before, options),
                            "after": _describe(change.after, options),
                        }
                        for change in changes
                    ],
                }
            )
            previous = current
        entries.extend(_review_events(response))
        entries.sort(key=lambda entry: entry["at"], reverse=True)
    return render(
        request,
        "readiness/history.html",
        {"municipality": municipality, "response": response, "entries": entries},
    )


def _review_events(response):
    """The reviews, read from the response's history (simple_history)."""
    events = []
    last = None
    records = response.history.select_related("reviewed_by").order_by("history_date")
    for record in records:
        if record.reviewed_at and record.reviewed_at != last:
            events.append(
                {
                    "at": record.reviewed_at,
                    "review": ReviewStatus(record.review_status).label,
                    "accepted": record.review_status == ReviewStatus.ACCEPTED,
                    "comment": record.review_comment,
                    "by": record.reviewed_by,
                }
            )
        last = record.reviewed_at
    return events


@require_http_methods(["GET", "POST"])
@coordinator_required
def review(request, code):
    municipality = get_municipality_for_user(request.user, code, for_edit=True)
    if request.method == "GET":
        # The review form lives on the answers page; someone who opens this
        # address (a bookmark, a reloaded error) is taken there, not to a
        # bare "405".
        return redirect(reverse("readiness:answers", args=[code]) + "#review-heading")
    questionnaire = _current_questionnaire()
    response = get_object_or_404(
        Response.objects.submitted(), municipality=municipality, questionnaire=questionnaire
    )
    form = ReviewForm(request.POST)
    if form.is_valid():
        services.review_response(
            response=response,
            decision=form.cleaned_data["decision"],
            comment=form.cleaned_data["comment"],
            by=request.user,
        )
        messages.success(
            request,
            _("Review saved: %(review)s. The project managers are told by e-mail.")
            % {"review": ReviewStatus(form.cleaned_data["decision"]).label},
        )
        return redirect("readiness:answers", code)
    for error in form.errors.get("comment", []) + form.errors.get("decision", []):
        messages.error(request, error)
    return redirect("readiness:answers", code)


# Every Danish municipality (98) on one page; only a benchmark's thousands
# are paged.
OVERVIEW_PER_PAGE = 250
# `?columns=all` adds the code and the answers to the table; kept by the
# filters, the sorting and the paging, which keep the query string.
COLUMNS_PARAMETER = "columns"
ALL_COLUMNS = "all"


@staff_roles_required
def overview(request):
    """All municipalities with status, score and answers; filters; xlsx export."""
    questionnaire = _current_questionnaire()
    questions = _questions(questionnaire)
    exporting = request.GET.get("export") == "xlsx"
    all_columns = request.GET.get(COLUMNS_PARAMETER) == ALL_COLUMNS
    # The answers (a subquery per question) only where they are shown.
    queryset = municipalities_with_readiness(
        questionnaire, questions if exporting or all_columns else ()
    )
    filterset = ReadinessFilter(
        request.GET, queryset=queryset, questionnaire=questionnaire, questions=questions
    )
    # An invalid filter value is shown as an error and left out.
    if exporting:
        # The export has every column, whichever the page shows.
        table = ReadinessTable(filterset.qs, questions=questions, all_columns=True)
        RequestConfig(request, paginate=False).configure(table)
        return export_xlsx(table, title=_("Readiness"))
    table = ReadinessTable(filterset.qs, questions=questions, all_columns=all_columns)
    RequestConfig(request, paginate={"per_page": OVERVIEW_PER_PAGE}).configure(table)
    counts = status_counts(questionnaire)
    export_query = request.GET.copy()
    export_query["export"] = "xlsx"
    export_query.pop("page", None)
    export_query.pop(COLUMNS_PARAMETER, None)
    columns_query = request.GET.copy()
    columns_query.pop("page", None)
    if all_columns:
        columns_query.pop(COLUMNS_PARAMETER)
    else:
        columns_query[COLUMNS_PARAMETER] = ALL_COLUMNS
    return render(
        request,
        "readiness/overview.html",
        {
            "questionnaire": questionnaire,
            "filter": filterset,
            "table": table,
            "status_counts": counts.by_status,
            "awaiting_review": counts.awaiting_review,
            "total": counts.total,
            "export_url": f"?{export_query.urlencode()}",
            "all_columns": all_columns,
            "columns_url": f"?{columns_query.urlencode()}",
        },
    )
