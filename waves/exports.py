"""The wave-plan workbook: rows first, then the shared renderer.

`plan_sheets(plan)` describes the workbook as data (an overview, one sheet
per wave named as in the 2013 slides, "Bølge 1 (28)", the changes against
the previously published plan, and the readiness answers); `write_plan`
hands it to `fmkrollout.spreadsheets.write_workbook`, which writes it in
openpyxl's write-only mode. A fixed number of queries whatever the number
of municipalities. Views, the admin action and the `export_wave_plan`
command all call `write_plan`.
"""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from fmkrollout.people import display_name
from fmkrollout.spreadsheets import (
    DATE,
    DATETIME,
    DECIMAL_1,
    INTEGER,
    PERCENT_1,
    Column,
    Properties,
    Sheet,
    write_workbook,
)
from readiness.models import Questionnaire
from readiness.selectors import municipalities_with_readiness

from . import planning
from .comparison import compare_plans
from .models import Wave, WavePlan


def previous_published(plan):
    """The published plan `plan` is measured against: for a draft, the one
    published now; for a published or superseded plan, the one published
    before it. None for the 2013 document and when nothing was published."""
    if plan.status == WavePlan.Status.HISTORICAL:
        return None
    published = WavePlan.objects.filter(
        status__in=[WavePlan.Status.PUBLISHED, WavePlan.Status.SUPERSEDED],
        published_at__isnull=False,
    ).exclude(pk=plan.pk)
    if plan.published_at is not None:
        published = published.filter(published_at__lt=plan.published_at)
    elif plan.status == WavePlan.Status.DRAFT:
        current = published.filter(status=WavePlan.Status.PUBLISHED).first()
        if current is not None:
            return current
    return published.order_by("-published_at", "-pk").first()


# In file names, which outlive the language of the page they came from.
STATUS_IN_FILENAME = {
    WavePlan.Status.DRAFT: "udkast",
    WavePlan.Status.PUBLISHED: "offentliggjort",
    WavePlan.Status.SUPERSEDED: "afloest",
    WavePlan.Status.HISTORICAL: "historisk",
}


def filename(plan, today=None):
    """boelgeplan-12-udkast-2014-01-15.xlsx: the plan's id and status, the day."""
    today = today or timezone.localdate()
    status = STATUS_IN_FILENAME.get(plan.status, plan.status)
    return f"boelgeplan-{plan.pk}-{status}-{today:%Y-%m-%d}.xlsx"


def _quarter(wave):
    quarter = (wave.starts_on.month - 1) // 3 + 1
    return _("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": wave.starts_on.year}


def _yes_no(value):
    if value is None:
        return None
    return _("yes") if value else _("no")


def _share(percent):
    """A 0–100 figure as the fraction Excel formats as a percentage."""
    return None if percent is None else round(percent / 100, 4)


def wave_sheet_title(wave, count):
    return _("Wave %(number)s (%(count)s)") % {"number": wave.number, "count": count}


def overview_sheet(plan, waves, assignments, exported_by=None, *, with_scores=True):
    summary = plan.summary or {}
    average = summary.get("average_readiness", {})
    facts = [
        (_("Plan"), str(plan)),
        (_("Plan id"), plan.pk),
        (_("Status"), plan.get_status_display()),
        (_("Made"), plan.created_at),
        (_("Made by"), plan.get_origin_display()),
        (_("Requested by"), _person(plan.made_by)),
        (_("Published"), plan.published_at),
        (_("Published by"), _person(plan.published_by)),
        (_("Solver"), plan.get_solver_status_display()),
        (_("Split neighbour pairs"), len(summary.get("split_pairs", []))),
        (_("Own wishes met"), summary.get("wishes_met")),
        (_("Own wishes given"), summary.get("wishes_total")),
        (_("Out of date"), _out_of_date(plan, with_names=with_scores)),
        (_("Exported"), timezone.now()),
        (_("Exported by"), _person(exported_by)),
    ]
    if not with_scores:
        # The project managers' copy: no solver terms (wording.py).
        facts = [fact for fact in facts if fact[0] != _("Solver")]
    if plan.reason:
        facts.insert(4, (_("Reason or source"), plan.reason))
    counts = {wave.pk: 0 for wave in waves}
    for assignment in assignments:
        counts[assignment.wave_id] = counts.get(assignment.wave_id, 0) + 1
    rows = (
        [
            wave.number,
            str(wave),
            _quarter(wave),
            wave.starts_on,
            wave.ends_on,
            wave.capacity,
            counts[wave.pk],
            counts[wave.pk] - wave.capacity,
            average.get(str(wave.number)),
        ]
        for wave in waves
    )
    columns = [
        Column(_("Wave"), 8, INTEGER),
        Column(_("Name"), 28),
        Column(_("Quarter"), 12),
        Column(_("Starts"), 12, DATE),
        Column(_("Ends"), 12, DATE),
        Column(_("Capacity"), 10, INTEGER),
        Column(_("Municipalities"), 14, INTEGER),
        Column(_("Over (+) / under (−) capacity"), 16, INTEGER),
        Column(_("Average readiness"), 16, DECIMAL_1),
    ]
    return Sheet(_("Overview"), columns, rows, facts=facts)


def _out_of_date(plan, *, with_names=True):
    """The coordinators' note on what changed; for the project managers'
    copy the plain one, which names no municipality's new answers."""
    state = planning.freshness(plan, with_names=with_names)
    if with_names:
        note = planning.describe_changes(state)
    else:
        note = planning.describe_for_project_managers(state)
    return note or _("no")


def _person(user):
    # An empty cell for "nobody" (a draft has no publisher); a name otherwise.
    return None if user is None else display_name(user)


WAVE_COLUMNS = [
    ("code", lambda: Column(_("Code"), 8, INTEGER)),
    ("name", lambda: Column(_("Municipality"), 22)),
    ("region", lambda: Column(_("Region"), 20)),
    ("readiness", lambda: Column(_("Readiness score"), 12, DECIMAL_1)),
    ("wish", lambda: Column(_("Own wish (wave)"), 12, INTEGER)),
    ("wish_met", lambda: Column(_("Wish met"), 10)),
    ("vendor", lambda: Column(_("EOJ vendor"), 22)),
    ("earliest", lambda: Column(_("Vendor's earliest wave"), 14, INTEGER)),
    ("gp", lambda: Column(_("GP adoption"), 12, PERCENT_1)),
    ("hospital", lambda: Column(_("Hospital adoption"), 12, PERCENT_1)),
    ("neighbours", lambda: Column(_("Neighbours in other waves"), 14, INTEGER)),
    ("pinned", lambda: Column(_("Pinned"), 9)),
    ("reason", lambda: Column(_("Reason for the pin"), 40, wrap=True)),
]


def wave_rows(assignments):
    for a in assignments:
        yield [
            a.municipality.code,
            a.municipality.name,
            a.municipality.region.name,
            a.readiness_score,
            a.wish_wave,
            _yes_no(a.wish_met),
            a.vendor_name or None,
            a.earliest_wave,
            _share(a.gp_adoption),
            _share(a.hospital_adoption),
            a.neighbours_in_other_waves,
            _yes_no(a.is_pinned),
            a.pin_reason or None,
        ]


# What a project manager's copy keeps: which municipality is in which wave,
# without the other municipalities' scores, wishes and planning inputs.
PUBLIC_WAVE_COLUMNS = {"code", "name", "region"}


def wave_sheets(waves, assignments, *, with_scores=True):
    keep = [with_scores or key in PUBLIC_WAVE_COLUMNS for key, _make in WAVE_COLUMNS]
    columns = [make() for (_key, make), kept in zip(WAVE_COLUMNS, keep, strict=True) if kept]
    for wave in waves:
        rows = [a for a in assignments if a.wave_id == wave.pk]
        cells = (
            [value for value, kept in zip(row, keep, strict=True) if kept]
            for row in wave_rows(rows)
        )
        yield Sheet(wave_sheet_title(wave, len(rows)), columns, cells)


def changes_sheet(plan):
    previous = previous_published(plan)
    columns = [
        Column(_("Code"), 8, INTEGER),
        Column(_("Municipality"), 22),
        Column(_("Region"), 20),
        Column(_("Wave before"), 12, INTEGER),
        Column(_("Wave now"), 12, INTEGER),
        Column(_("Why"), 70, wrap=True),
    ]
    if previous is None:
        facts = [(_("Compared with"), _("No plan was published before this one."))]
        return Sheet(_("Changes"), columns, [], facts=facts)
    comparison = compare_plans(previous, plan)
    facts = [
        (_("Compared with"), str(previous)),
        (_("Published"), previous.published_at),
        (_("Municipalities moved"), comparison.moved),
        (_("Municipalities in the same wave"), comparison.unchanged),
    ]
    facts += [(_("Plan-wide change"), reason) for reason in comparison.plan_reasons]
    rows = (
        [
            move.municipality.code,
            move.municipality.name,
            move.municipality.region.name,
            move.from_wave.number if move.from_wave else None,
            move.to_wave.number,
            "; ".join(str(reason) for reason in move.reasons) or None,
        ]
        for move in comparison.moves
    )
    return Sheet(_("Changes"), columns, rows, facts=facts)


def readiness_sheet(assignments):
    """Every municipality's submitted answers, its score now and in the plan."""
    questionnaire = Questionnaire.objects.current()
    questions = list(questionnaire.questions.all()) if questionnaire else []
    in_plan = {a.municipality_id: a for a in assignments}
    columns = [
        Column(_("Code"), 8, INTEGER),
        Column(_("Municipality"), 22),
        Column(_("Region"), 20),
        Column(_("Wave in the plan"), 10, INTEGER),
        Column(_("Status"), 14),
        Column(_("Submitted"), 17, DATETIME),
        *(Column(question.localized("short_label"), 22) for question in questions),
        Column(_("Own wish (wave)"), 12, INTEGER),
        Column(_("Score now"), 10, DECIMAL_1),
        Column(_("Score in the plan"), 12, DECIMAL_1),
    ]
    facts = []
    if questionnaire is None:
        facts = [(_("Questionnaire"), _("There is no current questionnaire."))]
        municipalities = []
    else:
        facts = [(_("Questionnaire"), str(questionnaire))]
        municipalities = (
            municipalities_with_readiness(questionnaire, questions)
            .order_by("code")
            .iterator(chunk_size=1000)
        )
    statuses = _readiness_statuses()

    def rows():
        for m in municipalities:
            assignment = in_plan.get(m.code)
            yield [
                m.code,
                m.name,
                m.region.name,
                assignment.wave.number if assignment else None,
                statuses.get(m.status, m.status),
                m.submitted_at,
                *(getattr(m, f"answer_{question.key}") for question in questions),
                m.wish_wave,
                m.score,
                assignment.readiness_score if assignment else None,
            ]

    return Sheet(_("Readiness"), columns, rows(), facts=facts)


def _readiness_statuses():
    from readiness.models import ResponseStatus

    return {value: str(label) for value, label in ResponseStatus.choices}


def plan_sheets(plan, *, exported_by=None, with_scores=True):
    """The workbook's sheets; `with_scores=False` is the project managers' copy:
    the overview and the municipalities per wave, nothing about the others'
    readiness, wishes or planning inputs."""
    waves = list(Wave.objects.order_by("number"))
    assignments = list(
        plan.assignments.for_review().order_by("wave__number", "municipality__short_name")
    )
    sheets = [
        overview_sheet(plan, waves, assignments, exported_by, with_scores=with_scores),
        *wave_sheets(waves, assignments, with_scores=with_scores),
    ]
    if with_scores:
        sheets += [changes_sheet(plan), readiness_sheet(assignments)]
    return sheets


def properties(plan, exported_by=None):
    return Properties(
        title=_("Wave plan: %(plan)s") % {"plan": plan},
        subject=_("FMK rollout to the municipalities"),
        creator=_person(exported_by) or "fmkrollout",
        description=_("Plan %(id)s (%(status)s), exported %(when)s.")
        % {
            "id": plan.pk,
            "status": plan.get_status_display(),
            "when": date_format(timezone.localtime(), "DATETIME_FORMAT"),
        },
        keywords="FMK, bølgeplan, KL, MedCom",
    )


def write_plan(plan, stream, *, exported_by=None):
    """Write the plan's workbook to `stream` (a path or binary file)."""
    write_workbook(
        stream,
        plan_sheets(plan, exported_by=exported_by),
        properties=properties(plan, exported_by),
    )
