"""The rollout pages: the project manager's checklist and the dashboard.

Every view first brings the implementations in line with the published
wave plan (`services.sync_with_published_plan`, one cheap query when
nothing changed), so a newly published plan is followed before anyone
reads or writes.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from fmkrollout.spreadsheets import workbook_response
from municipalities.access import (
    any_role_required,
    coordinator_required,
    get_municipality_for_user,
    staff_roles_required,
)
from municipalities.models import Municipality
from municipalities.roles import Role, role_of
from waves.maps import WAVE_COLOURS, Category, choropleth
from waves.models import Wave

from . import charts, clock, exports, selectors, services
from .filters import ImplementationFilter
from .forms import EscalationForm, SparringAnswerForm, SparringForm, TaskForm
from .models import (
    Escalation,
    Implementation,
    Milestone,
    Precondition,
    ProgrammePeriod,
    SparringRequest,
    Task,
    TaskStatus,
)
from .services import TaskData
from .tables import ImplementationTable

STATUS_COLOURS = {
    TaskStatus.NOT_STARTED: "#bfbfbf",
    TaskStatus.IN_PROGRESS: "#0059b3",
    TaskStatus.DONE: "#358745",
    TaskStatus.NOT_RELEVANT: "#757575",
    TaskStatus.BLOCKED: "#b0190b",
}
PHASE_COLOURS = ["#fde0c5", "#f9b27c", "#e3743b", "#b34a1c", "#7f2704", "#4d1a00"]


def _today_and_demo():
    as_of = clock.demo_as_of()
    return (as_of or timezone.localdate()), as_of


def _can_edit(user, municipality):
    return Municipality.objects.editable_by(user).filter(code=municipality.code).exists()


def _implementation(municipality):
    return get_object_or_404(
        Implementation.objects.select_related("wave", "template", "plan"),
        municipality=municipality,
    )


# The project manager's page -------------------------------------------------


@any_role_required
def municipality(request, code):
    """The checklist by phase: progress, what is overdue, M1 and M2, support."""
    services.sync_with_published_plan()
    municipality = get_municipality_for_user(request.user, code)
    today, demo_as_of = _today_and_demo()
    implementation = (
        Implementation.objects.select_related("wave", "template")
        .filter(municipality=municipality)
        .first()
    )
    context = {"municipality": municipality, "demo_as_of": demo_as_of, "today": today}
    if implementation is None:
        return render(request, "rollout/no_implementation.html", context)
    phases = selectors.checklist(implementation)
    tasks = [t for p in phases for t in p["tasks"] + p["medication_cards"]]
    overdue = [t for t in tasks if t.is_overdue(today)]
    milestones = []
    for milestone in Milestone:
        mine = [t for t in tasks if t.template.milestone == milestone]
        milestones.append(
            {
                "milestone": milestone,
                "reached_on": getattr(implementation, f"{milestone.lower()}_reached_on"),
                "target": max((t.due_on for t in mine), default=None),
                "closed": sum(1 for t in mine if not t.is_open),
                "total": len(mine),
            }
        )
    is_coordinator = role_of(request.user) == Role.COORDINATOR
    context.update(
        {
            "implementation": implementation,
            "phases": phases,
            "progress": selectors.progress_of(implementation, today),
            "overdue": overdue,
            "milestones": milestones,
            "can_edit": _can_edit(request.user, municipality),
            "is_coordinator": is_coordinator,
            "sparring_form": SparringForm(),
            "sparring_requests": implementation.sparring_requests.select_related(
                "requested_by", "answered_by"
            ),
            "escalations": implementation.escalations.select_related(
                "decision__meeting__forum", "escalated_by"
            ),
            "escalation_form": EscalationForm() if is_coordinator else None,
            "wave_changes": implementation.wave_changes.select_related("from_wave", "to_wave"),
            "support_topics": SparringRequest.Topic.choices,
        }
    )
    return render(request, "rollout/municipality.html", context)


def _task_for(request, code, task_id, *, for_edit):
    services.sync_with_published_plan()
    municipality = get_municipality_for_user(request.user, code)
    if for_edit and not _can_edit(request.user, municipality):
        raise PermissionDenied
    task = get_object_or_404(
        Task.objects.select_related(
            "template__phase", "implementation__wave", "implementation__municipality", "updated_by"
        ),
        pk=task_id,
        implementation__municipality=municipality,
    )
    return municipality, task


def _describe(name, value):
    if name == "status":
        return TaskStatus(value).label if value else ""
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    return value


@any_role_required
def task_edit(request, code, task_id):
    """One task: status (with a reason where needed), owner, dates, comment.

    Two people editing at once: the second save is refused, the page shows
    what the first changed next to each field and keeps the second
    person's input on the form, based on the version they have now seen.
    """
    municipality, task = _task_for(request, code, task_id, for_edit=request.method == "POST")
    can_edit = _can_edit(request.user, municipality)
    if request.method != "POST" and not can_edit:
        return redirect("rollout:municipality", code)
    today, demo_as_of = _today_and_demo()
    conflict = None
    if request.method == "POST":
        form = TaskForm(request.POST, task=task)
        if form.is_valid():
            try:
                saved = services.update_task(
                    task=task,
                    data=form.data_entered(),
                    base_version=form.cleaned_data["version"],
                    by=request.user,
                    today=today,
                )
            except services.EditConflict as error:
                conflict = error
                data = request.POST.copy()
                data["version"] = error.current_version
                form = TaskForm(data, task=error.task)
                task = error.task
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return _after_save(request, municipality, task, saved)
    else:
        form = TaskForm(initial=TaskForm.initial_for(task), task=task)
    return _render_task(request, municipality, task, form, conflict, today, demo_as_of)


def _render_task(request, municipality, task, form, conflict, today, demo_as_of):
    if conflict is not None:
        form.theirs = {
            change.name: {
                "before": _describe(change.name, change.before),
                "after": _describe(change.name, change.after),
            }
            for change in conflict.changes
        }
    return render(
        request,
        "rollout/task_form.html",
        {
            "municipality": municipality,
            "task": task,
            "form": form,
            "conflict": conflict,
            "today": today,
            "demo_as_of": demo_as_of,
            "rule_date": task.template.due_for(task.implementation.wave),
        },
    )


def _after_save(request, municipality, task, saved):
    if saved is None:
        messages.info(request, _("Nothing had changed, so nothing new was saved."))
        return redirect("rollout:municipality", municipality.code)
    implementation = saved.implementation
    implementation.refresh_from_db(fields=["m1_reached_on", "m2_reached_on"])
    message = _("Saved: %(task)s (%(status)s).") % {
        "task": saved.template.localized("title"),
        "status": saved.get_status_display(),
    }
    for milestone in Milestone:
        field = f"{milestone.lower()}_reached_on"
        if getattr(implementation, field) and saved.template.milestone == milestone:
            message += " " + _("%(milestone)s is reached.") % {"milestone": milestone.value}
    messages.success(request, message)
    return redirect(reverse("rollout:municipality", args=[municipality.code]) + f"#task-{task.pk}")


@require_POST
@any_role_required
def task_done(request, code, task_id):
    """The checklist's "mark as done" button: done today, nothing else changed."""
    municipality, task = _task_for(request, code, task_id, for_edit=True)
    today, demo_as_of = _today_and_demo()
    try:
        base_version = int(request.POST.get("version", ""))
    except ValueError:
        base_version = 0
    data = TaskData.of(task)
    done = TaskData(**{**data.__dict__, "status": TaskStatus.DONE, "done_on": None, "reason": ""})
    try:
        saved = services.update_task(
            task=task, data=done, base_version=base_version, by=request.user, today=today
        )
    except services.EditConflict as error:
        form_data = {**TaskForm.initial_for(error.task), "status": TaskStatus.DONE}
        form_data["version"] = error.current_version
        form = TaskForm({k: "" if v is None else v for k, v in form_data.items()}, task=error.task)
        form.is_valid()
        return _render_task(request, municipality, error.task, form, error, today, demo_as_of)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("rollout:task-edit", code, task.pk)
    return _after_save(request, municipality, task, saved)


@any_role_required
def task_history(request, code, task_id):
    """Every change of a task: who, when, what, why."""
    municipality, task = _task_for(request, code, task_id, for_edit=False)
    records = list(task.history.select_related("history_user").order_by("history_date"))
    entries = []
    previous = previous_due = None
    for record in records:
        current = TaskData.of(record.instance)
        changes = []
        if previous is not None:
            changes = [
                {
                    "field": TaskForm.base_fields[c.name].label,
                    "before": _describe(c.name, c.before),
                    "after": _describe(c.name, c.after),
                }
                for c in services.diff_task(previous, current)
            ]
            # A due date that followed a new wave is no entered value.
            if record.due_on != previous_due and not changes:
                changes.append(
                    {
                        "field": _("Due"),
                        "before": previous_due.strftime("%d.%m.%Y"),
                        "after": record.due_on.strftime("%d.%m.%Y"),
                    }
                )
        entries.append({"record": record, "changes": changes, "first": previous is None})
        previous, previous_due = current, record.due_on
    entries.reverse()
    return render(
        request,
        "rollout/task_history.html",
        {"municipality": municipality, "task": task, "entries": entries},
    )


@require_POST
@any_role_required
def sparring_create(request, code):
    services.sync_with_published_plan()
    municipality = get_municipality_for_user(request.user, code)
    if not _can_edit(request.user, municipality):
        raise PermissionDenied
    implementation = _implementation(municipality)
    form = SparringForm(request.POST)
    if form.is_valid():
        services.request_sparring(
            implementation=implementation,
            topic=form.cleaned_data["topic"],
            message=form.cleaned_data["message"],
            by=request.user,
        )
        messages.success(
            request,
            _("Your request is sent to the coordinators at KL and MedCom; the answer shows here."),
        )
    else:
        messages.error(request, _("Choose a topic and say what you need."))
    return redirect(reverse("rollout:municipality", args=[code]) + "#support")


@require_POST
@coordinator_required
def sparring_answer(request, pk):
    sparring = get_object_or_404(SparringRequest.objects.select_related("implementation"), pk=pk)
    form = SparringAnswerForm(request.POST)
    if form.is_valid():
        services.answer_sparring(
            request=sparring, answer=form.cleaned_data["answer"], by=request.user
        )
        messages.success(request, _("The answer is saved and shown to the municipality."))
    else:
        messages.error(request, _("Write the answer."))
    return redirect(
        reverse("rollout:municipality", args=[sparring.implementation.municipality_id])
        + "#support"
    )


@require_POST
@coordinator_required
def escalate(request, code):
    """Escalate the municipality's deviation to the programme group."""
    services.sync_with_published_plan()
    municipality = get_municipality_for_user(request.user, code, for_edit=True)
    implementation = _implementation(municipality)
    form = EscalationForm(request.POST)
    if form.is_valid():
        escalation = services.escalate(
            implementation=implementation,
            deviation=form.cleaned_data["deviation"],
            meeting=form.cleaned_data["meeting"],
            by=request.user,
        )
        messages.success(
            request,
            _("Escalated to the programme group: recorded as a decision of %(meeting)s.")
            % {"meeting": escalation.decision.meeting},
        )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(reverse("rollout:municipality", args=[code]) + "#escalation")


# The dashboard -----------------------------------------------------------------

# Lazy: the labels are read per request, in the reader's language.
MEASURES = {
    "wave": gettext_lazy("wave"),
    "phase": gettext_lazy("rollout phase"),
    "milestones": gettext_lazy("M1/M2"),
    "readiness": gettext_lazy("readiness score"),
}


def _map_for(measure, request, waves, phases):
    rows = selectors.map_rows()
    urls = {
        row["municipality_id"]: reverse("rollout:municipality", args=[row["municipality_id"]])
        for row in rows
    }
    outlined = set()
    if role_of(request.user) == Role.PROJECT_MANAGER:
        outlined = set(
            Municipality.objects.editable_by(request.user).values_list("code", flat=True)
        )
    labels = None
    if measure == "phase":
        categories = [
            Category(number, f"{number}. {name}", PHASE_COLOURS[(number - 1) % len(PHASE_COLOURS)])
            for number, name in phases.items()
        ] + [Category(selectors.DONE_PHASE, _("all tasks closed"), "#358745")]
        values = {r["municipality_id"]: r["phase"] or selectors.DONE_PHASE for r in rows}
    elif measure == "milestones":
        categories = [
            Category("none", _("neither reached"), "#fde0c5"),
            Category("m1", _("M1 reached"), "#6baed6"),
            Category("m2", _("M1 and M2 reached"), "#08519c"),
        ]
        values = {
            r["municipality_id"]: "m2"
            if r["m2_reached_on"] and r["m1_reached_on"]
            else ("m1" if r["m1_reached_on"] else "none")
            for r in rows
        }
    elif measure == "readiness":
        scores = selectors.readiness_scores()
        bands = [(0, 25), (25, 50), (50, 75), (75, 101)]
        colours = ["#eff3ff", "#9ecae1", "#4292c6", "#084594"]
        categories = [
            Category(low, f"{low}–{min(high, 100) - (high <= 100)}", colour)
            for (low, high), colour in zip(bands, colours, strict=True)
        ]
        values = {}
        labels = {}
        for code, score in scores.items():
            for low, high in bands:
                if low <= score < high:
                    values[code] = low
            labels[code] = _("score %(score)s") % {"score": round(score)}
    else:
        categories = [
            Category(w.number, str(w), WAVE_COLOURS.get(w.number, "#bfbfbf")) for w in waves
        ]
        values = {r["municipality_id"]: r["wave__number"] for r in rows}
    return (
        choropleth(
            values=values, categories=categories, urls=urls, outlined=outlined, value_labels=labels
        ),
        values,
        categories,
    )


def _timeline(waves, today, milestones):
    periods = list(ProgrammePeriod.objects.all())
    bars = [
        charts.Bar(p.localized("name"), p.starts_on, p.ends_on, "programme")
        for p in periods
        if not p.milestone and p.starts_on
    ]
    bars[2:2] = [charts.Bar(str(w), w.starts_on, w.ends_on, "wave") for w in waves]
    marks = [
        charts.Mark(
            p.localized("name"),
            p.ends_on,
            milestones.get(f"{p.milestone.lower()}_reached_on"),
        )
        for p in periods
        if p.milestone
    ]
    return charts.timeline(bars, marks, today)


@staff_roles_required
def dashboard(request):
    """Where the rollout stands: M1/M2, per wave, deviations, the table of
    every municipality, the timeline, the map and the charts."""
    services.sync_with_published_plan()
    today, demo_as_of = _today_and_demo()
    waves = list(Wave.objects.all())
    phases = selectors.phase_names()
    queryset = selectors.implementations_for_table(today)
    filterset = ImplementationFilter(request.GET, queryset=queryset)
    table = ImplementationTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    measure = request.GET.get("measure") if request.GET.get("measure") in MEASURES else "wave"
    the_map, map_values, map_categories = _map_for(measure, request, waves, phases)
    milestones = selectors.programme_milestones()
    summaries = selectors.wave_summaries(today)
    behind, behind_count = selectors.behind_schedule(
        today, overdue_days=settings.ROLLOUT_OVERDUE_DAYS
    )
    at_risk, at_risk_count = selectors.m1_at_risk(today)
    requests_open, requests_count = selectors.open_sparring_requests()
    status_rows = selectors.tasks_by_status()
    months, series = selectors.progress_over_time(today)
    line_series = [
        {
            "label": str(item["wave"]),
            "colour": WAVE_COLOURS.get(item["wave"].number, "#454545"),
            "points": item["points"],
            "dash": ["", "6 3", "2 2"][(item["wave"].number - 1) % 3],
        }
        for item in series
    ]
    names_by_category = {category.key: [] for category in map_categories}
    if the_map:
        for shape in the_map["shapes"]:
            key = map_values.get(shape["code"])
            if key in names_by_category:
                names_by_category[key].append(shape["name"])
    query = request.GET.copy()
    query.pop("measure", None)
    return render(
        request,
        "rollout/dashboard.html",
        {
            "today": today,
            "demo_as_of": demo_as_of,
            "milestones": milestones,
            "summaries": summaries,
            "phases": phases,
            "done_phase": selectors.DONE_PHASE,
            "preconditions": Precondition.objects.all(),
            "behind": behind,
            "behind_count": behind_count,
            "overdue_days": settings.ROLLOUT_OVERDUE_DAYS,
            "at_risk": at_risk,
            "at_risk_count": at_risk_count,
            "requests_open": requests_open,
            "requests_count": requests_count,
            "answer_form": SparringAnswerForm(),
            "escalations": Escalation.objects.select_related(
                "implementation__municipality", "decision__meeting__forum"
            )[:10],
            "filter": filterset,
            "table": table,
            "map": the_map,
            "measure": measure,
            "measures": MEASURES,
            "measure_label": MEASURES[measure],
            "map_legend_names": [
                (category, names_by_category.get(category.key, [])) for category in map_categories
            ],
            "filter_query": query.urlencode(),
            "timeline": _timeline(waves, today, milestones),
            "status_chart": charts.bar_chart(
                [(label, count, STATUS_COLOURS[status]) for status, label, count in status_rows]
            ),
            "status_rows": status_rows,
            "line_chart": charts.line_chart(months, line_series),
            "progress_months": months,
            "progress_series": series,
            "is_coordinator": role_of(request.user) == Role.COORDINATOR,
        },
    )


@staff_roles_required
def export(request):
    services.sync_with_published_plan()
    today, _demo = _today_and_demo()
    return workbook_response(
        f"udrulning-{today:%Y-%m-%d}.xlsx",
        exports.rollout_sheets(today),
        properties=exports.properties(),
    )
