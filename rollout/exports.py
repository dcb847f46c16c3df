"""The rollout workbook: an overview sheet per wave and a sheet of all tasks.

Rows first (plain values), then the portal's one renderer
(`fmkrollout.spreadsheets`), as every export of the portal.
"""

from django.utils.translation import gettext as _

from fmkrollout.spreadsheets import DATE, INTEGER, Column, Properties, Sheet, write_workbook
from waves.models import Wave

from . import selectors
from .models import Task, TaskStatus


def _phase_label(number, names):
    if number is None:
        return _("all tasks closed")
    return f"{number}. {names.get(number, '')}"


def overview_rows(implementations, names):
    for row in implementations:
        yield [
            row.municipality.short_name,
            row.municipality_id,
            row.municipality.region.name,
            str(row.wave),
            _phase_label(row.phase, names),
            (row.closed / row.total) if row.total else 0,
            row.m1_reached_on,
            row.m2_reached_on,
            row.overdue,
            row.blocked,
        ]


def task_rows(today):
    # Labels once per status and template task, not once per row: a
    # thousand municipalities have 27,000 tasks.
    statuses = {value: str(label) for value, label in TaskStatus.choices}
    phases, titles = {}, {}
    tasks = (
        Task.objects.select_related(
            "implementation__municipality", "implementation__wave", "template__phase"
        )
        # Neither the map shapes nor the links go into the workbook.
        .defer("template__links")
        .order_by(
            "implementation__municipality__short_name",
            "template__phase__number",
            "template__order",
        )
        .iterator(chunk_size=2000)
    )
    for task in tasks:
        template = task.template
        if template.pk not in titles:
            titles[template.pk] = template.localized("title")
            phases[template.pk] = str(template.phase)
        yield [
            task.implementation.municipality.short_name,
            task.implementation.municipality_id,
            str(task.implementation.wave),
            phases[template.pk],
            titles[template.pk],
            template.milestone,
            statuses[task.status],
            task.reason,
            task.owner,
            task.due_on,
            task.done_on,
            task.days_overdue(today) or None,
            task.comment,
        ]


def rollout_sheets(today):
    names = selectors.phase_names()
    implementations = list(selectors.implementations_for_table(today))
    milestones = selectors.programme_milestones()
    overview_columns = [
        Column(_("Municipality"), 22),
        Column(_("Code"), 8, INTEGER),
        Column(_("Region"), 22),
        Column(_("Wave"), 24),
        Column(_("Phase"), 30),
        Column(_("Done (%)"), 10, "0%"),
        Column(_("M1 reached"), 12, DATE),
        Column(_("M2 reached"), 12, DATE),
        Column(_("Overdue tasks"), 10, INTEGER),
        Column(_("Blocked tasks"), 10, INTEGER),
    ]
    sheets = []
    for wave in Wave.objects.all():
        rows = [i for i in implementations if i.wave_id == wave.pk]
        facts = [
            (_("Wave"), str(wave)),
            (_("Period"), f"{wave.starts_on:%d.%m.%Y} – {wave.ends_on:%d.%m.%Y}"),
            (_("Municipalities"), len(rows)),
            (_("M1 reached"), sum(1 for i in rows if i.m1_reached_on)),
            (_("M2 reached"), sum(1 for i in rows if i.m2_reached_on)),
            (_("As of"), today),
        ]
        sheets.append(Sheet(str(wave), overview_columns, overview_rows(rows, names), facts=facts))
    task_columns = [
        Column(_("Municipality"), 22),
        Column(_("Code"), 8, INTEGER),
        Column(_("Wave"), 24),
        Column(_("Phase"), 28),
        Column(_("Task"), 50, wrap=True),
        Column(_("Milestone"), 10),
        Column(_("Status"), 14),
        Column(_("Reason"), 30, wrap=True),
        Column(_("Owner"), 20),
        Column(_("Due"), 12, DATE),
        Column(_("Done on"), 12, DATE),
        Column(_("Days overdue"), 10, INTEGER),
        Column(_("Comment"), 40, wrap=True),
    ]
    sheets.append(
        Sheet(
            _("All tasks"),
            task_columns,
            task_rows(today),
            facts=[
                (_("M1 reached (municipalities)"), f"{milestones['m1']} / {milestones['total']}"),
                (_("M2 reached (municipalities)"), f"{milestones['m2']} / {milestones['total']}"),
                (_("As of"), today),
            ],
        )
    )
    return sheets


def properties():
    return Properties(
        title=_("FMK rollout in the municipalities"),
        subject=_("Implementation status per municipality and task"),
        creator="KL og MedCom – FMK-udrulning",
    )


def write_rollout_workbook(stream, *, today):
    write_workbook(stream, rollout_sheets(today), properties=properties())
