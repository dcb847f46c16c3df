"""The four imports: what each expects, how it checks a table, what it writes.

An importer turns a `reading.Table` into a `Preview`: every row that would
be written (with the value it replaces) and every problem with its row and
column. Checking reads the database (municipalities, regions, waves, the
figures in place) but writes nothing; `apply` writes a preview's rows, and
is called by `services.apply_upload` inside one transaction.

- `gp`: MedCom's GP adoption per municipality -> `waves.GPAdoption`
- `hospital`: NSI's hospital adoption per region -> `waves.HospitalAdoption`
- `vendors`: each municipality's EOJ vendor, and any agreement on its wave
  -> `waves.MunicipalityVendor`, `waves.VendorAgreement`
- `vendor_plans`: each vendor's earliest wave -> `waves.VendorPlan`

The column headers are Danish, as the files are; English and common
variants are accepted too (see `Column.aliases`).
"""

import dataclasses
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from municipalities.models import Municipality, Region
from waves.models import (
    FigureStatus,
    GPAdoption,
    HospitalAdoption,
    MunicipalityVendor,
    Vendor,
    VendorAgreement,
    VendorPlan,
    Wave,
)

from . import values
from .models import KIND_CHOICES
from .names import MunicipalityIndex, RegionIndex, name_key
from .reading import normalise_header

# Spellings for a figure that does not exist, as the sources write them.
NOT_APPLICABLE = {
    "ikke relevant": FigureStatus.NOT_APPLICABLE,
    "i.r.": FigureStatus.NOT_APPLICABLE,
    "ir": FigureStatus.NOT_APPLICABLE,
    "n/a": FigureStatus.NOT_APPLICABLE,
    "ingen praksis": FigureStatus.NOT_APPLICABLE,
    "not applicable": FigureStatus.NOT_APPLICABLE,
    "-": FigureStatus.MISSING,
    "–": FigureStatus.MISSING,
    "ikke oplyst": FigureStatus.MISSING,
    "mangler": FigureStatus.MISSING,
    "missing": FigureStatus.MISSING,
}
GO_LIVE = {
    "i drift": HospitalAdoption.GoLive.LIVE,
    "live": HospitalAdoption.GoLive.LIVE,
    "ja": HospitalAdoption.GoLive.LIVE,
    "delvist i drift": HospitalAdoption.GoLive.PARTLY_LIVE,
    "delvis i drift": HospitalAdoption.GoLive.PARTLY_LIVE,
    "delvist": HospitalAdoption.GoLive.PARTLY_LIVE,
    "partly live": HospitalAdoption.GoLive.PARTLY_LIVE,
    "ikke i drift": HospitalAdoption.GoLive.NOT_LIVE,
    "nej": HospitalAdoption.GoLive.NOT_LIVE,
    "not live": HospitalAdoption.GoLive.NOT_LIVE,
}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    help: str
    example: str
    aliases: tuple[str, ...] = ()
    required: bool = False

    def names(self):
        return {normalise_header(self.header), *(normalise_header(a) for a in self.aliases)}


MUNICIPALITY_CODE = Column(
    "code",
    "Kommunekode",
    gettext_lazy("The municipality's code (101 or 0101). Give the code, the name or both."),
    "461",
    aliases=("kode", "kommunenr", "kommunenr.", "kommunenummer", "municipality code", "code"),
)
MUNICIPALITY_NAME = Column(
    "name",
    "Kommune",
    gettext_lazy(
        "The municipality's name, with or without “Kommune” (“Københavns Kommune” or "
        "“København”); case and spaces do not matter."
    ),
    "Odense Kommune",
    aliases=("kommunenavn", "navn", "municipality", "name"),
)
NOTE = Column(
    "note",
    "Bemærkning",
    gettext_lazy("Optional: a note kept with the figure."),
    "",
    aliases=("note", "kommentar", "bemærkninger", "comment"),
)
SHARE = Column(
    "share",
    "Andel (%)",
    gettext_lazy(
        "The share in per cent, 0–100 (45 or 45,3; a cell formatted as a percentage works "
        "too). Empty or “-”: not reported; “ikke relevant”: does not apply."
    ),
    "45,3",
    aliases=("andel", "andel i procent", "procent", "pct", "pct.", "ibrugtagning", "share", "%"),
)


@dataclass
class Problem:
    row: int | None
    column: str
    message: str

    def as_json(self):
        return {"row": self.row, "column": self.column, "message": str(self.message)}


@dataclass
class PreviewRow:
    row: int
    # What the preview table shows, one text per preview column.
    shown: list
    # "new", "changed" or "unchanged".
    change: str
    # What `apply` writes: JSON-safe values only.
    data: dict

    def as_json(self):
        return {"row": self.row, "shown": self.shown, "change": self.change, "data": self.data}


@dataclass
class Preview:
    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def has_errors(self):
        return bool(self.problems)


class Importer:
    kind = ""
    title = ""
    description = ""
    columns: tuple[Column, ...] = ()
    # Column keys of which at least one must be present.
    one_of: tuple[str, ...] = ()
    preview_headers: tuple = ()
    example_name = ""

    # Header matching -------------------------------------------------------

    def expected_headers(self):
        return {name for column in self.columns for name in column.names()}

    def locate_columns(self, table, preview):
        """{column key: index} from the header row; problems for the rest."""
        found = {}
        for index, header in enumerate(table.header):
            key = normalise_header(header)
            if not key:
                continue
            for column in self.columns:
                if key in column.names():
                    if column.key in found:
                        preview.problems.append(
                            Problem(
                                table.header_row,
                                self.column_label(table, index),
                                _("The column “%(header)s” appears twice.")
                                % {"header": column.header},
                            )
                        )
                    found[column.key] = index
                    break
            else:
                preview.warnings.append(
                    _("Column %(column)s (“%(header)s”) is not used by this import.")
                    % {"column": table.column_names[index], "header": header}
                )
        present = ", ".join(_("“%(header)s”") % {"header": h} for h in table.header if h)
        present = present or _("no headers")
        for column in self.columns:
            if column.required and column.key not in found:
                preview.problems.append(
                    Problem(
                        table.header_row,
                        "",
                        _("The column “%(header)s” is missing (the sheet has %(present)s).")
                        % {"header": column.header, "present": present},
                    )
                )
        if self.one_of and not any(key in found for key in self.one_of):
            headers = [c.header for c in self.columns if c.key in self.one_of]
            preview.problems.append(
                Problem(
                    table.header_row,
                    "",
                    _("The sheet needs a column “%(first)s” or “%(second)s” (it has %(present)s).")
                    % {"first": headers[0], "second": headers[1], "present": present},
                )
            )
        return found

    @staticmethod
    def column_label(table, index):
        header = table.header[index] if index < len(table.header) else ""
        letter = table.column_names[index] if index < len(table.column_names) else str(index + 1)
        return f"{letter} ({header})" if header else letter

    # Checking --------------------------------------------------------------

    def check(self, table, parameters):
        preview = Preview()
        found = self.locate_columns(table, preview)
        if preview.problems:
            return preview
        context = self.load_context()
        seen = {}
        for row in table.rows:
            cells = {
                key: (row.cells[index] if index < len(row.cells) else None)
                for key, index in found.items()
            }
            problems = []

            def problem(key, message, row=row, problems=problems):
                label = self.column_label(table, found[key]) if key in found else ""
                problems.append(Problem(row.number, label, message))

            result = self.check_row(cells, context, problem, parameters)
            if result is None or problems:
                preview.problems.extend(problems)
                continue
            identity, item = result
            if identity in seen:
                preview.problems.append(
                    Problem(
                        row.number,
                        "",
                        _("%(name)s is also in row %(row)s.")
                        % {"name": item.shown[0], "row": seen[identity]},
                    )
                )
                continue
            seen[identity] = row.number
            item.row = row.number
            preview.rows.append(item)
        if not preview.rows and not preview.problems:
            preview.problems.append(Problem(None, "", _("The sheet has no rows of data.")))
        self.check_whole(preview)
        return preview

    def load_context(self):
        return {}

    def check_row(self, cells, context, problem, parameters):
        raise NotImplementedError

    def check_whole(self, preview):
        """Warnings about the file as a whole (they do not block)."""

    def apply(self, rows, parameters, *, by, reason):
        raise NotImplementedError


def _municipality_context():
    return MunicipalityIndex(Municipality.objects.values_list("code", "name", "short_name"))


def _resolve_municipality(cells, context, problem):
    found = context["municipalities"].resolve(
        cells.get("code") and cells["code"].value, cells.get("name") and values.text(cells["name"])
    )
    if found.error:
        problem(
            "code" if cells.get("code") and cells["code"].value is not None else "name",
            found.error,
        )
        return None
    return found


def _share_text(share):
    return "–" if share is None else f"{share} %".replace(".", ",")


def _figure_status(cell, problem, key="share"):
    """(status, share as Decimal or None) from a share cell."""
    if values.is_blank(cell):
        return FigureStatus.MISSING, None
    word = values.text(cell).casefold()
    if word in NOT_APPLICABLE:
        return NOT_APPLICABLE[word], None
    try:
        return FigureStatus.REPORTED, values.percentage(cell)
    except values.ValueProblem as error:
        problem(key, error.message)
        return None


def _change(before, after):
    if before is None:
        return "new"
    return "unchanged" if before == after else "changed"


STATUS_LABELS = dict(FigureStatus.choices)
TITLES = dict(KIND_CHOICES)


class GPAdoptionImporter(Importer):
    kind = "gp"
    title = TITLES["gp"]
    description = gettext_lazy(
        "How far the GPs in each municipality use FMK, as MedCom reports it. One row per "
        "municipality; municipalities not in the file keep their figures."
    )
    columns = (
        MUNICIPALITY_CODE,
        MUNICIPALITY_NAME,
        dataclasses.replace(SHARE, required=True),
        NOTE,
    )
    one_of = ("code", "name")
    example_name = "laegers-ibrugtagning-eksempel"
    default_source = "MedCom"
    preview_headers = (
        gettext_lazy("Municipality"),
        gettext_lazy("Code"),
        gettext_lazy("Share"),
        gettext_lazy("Status"),
        gettext_lazy("Now"),
    )

    def load_context(self):
        return {
            "municipalities": _municipality_context(),
            "current": {figure.municipality_id: figure for figure in GPAdoption.objects.all()},
        }

    def check_row(self, cells, context, problem, parameters):
        found = _resolve_municipality(cells, context, problem)
        status = _figure_status(cells.get("share"), problem)
        if found is None or status is None:
            return None
        status, share = status
        note = values.text(cells.get("note"))[:300]
        data = {
            "municipality": found.code,
            "status": str(status),
            "share": None if share is None else str(share),
            "note": note,
        }
        current = context["current"].get(found.code)
        before = None
        if current is not None:
            before = {
                "municipality": found.code,
                "status": current.status,
                "share": None if current.share is None else str(current.share),
                "note": current.note,
            }
        same_source = current is not None and (
            current.source,
            current.definition,
            current.measured_on.isoformat(),
        ) == (parameters["source"], parameters["definition"], parameters["measured_on"])
        change = _change(before, data)
        if change == "unchanged" and not same_source:
            change = "changed"
        shown = [
            found.name,
            found.code,
            _share_text(share),
            str(STATUS_LABELS[status]),
            _figure_text(current),
        ]
        return found.code, PreviewRow(0, shown, change, data)

    def check_whole(self, preview):
        shares = [Decimal(r.data["share"]) for r in preview.rows if r.data.get("share")]
        if shares and max(shares) <= 1 and any(shares):
            preview.warnings.append(
                _(
                    "Every share is between 0 and 1 %: are they fractions (0,45) rather than "
                    "per cent (45)? Format the cells as percentages or multiply by 100."
                )
            )

    def apply(self, rows, parameters, *, by, reason):
        current = {f.municipality_id: f for f in GPAdoption.objects.all()}
        written = 0
        for item in rows:
            if item["change"] == "unchanged":
                continue
            data = item["data"]
            figure = current.get(data["municipality"]) or GPAdoption(
                municipality_id=data["municipality"]
            )
            _set_figure(figure, data, parameters)
            _save(figure, by=by, reason=reason)
            written += 1
        return written


def _figure_text(figure):
    if figure is None:
        return "–"
    if figure.value is None:
        return str(STATUS_LABELS.get(figure.status, figure.status))
    return f"{_share_text(figure.share)} ({figure.measured_on:%d-%m-%Y})"


def _set_figure(figure, data, parameters):
    figure.status = data["status"]
    figure.share = None if data["share"] is None else Decimal(data["share"])
    figure.note = data["note"]
    figure.source = parameters["source"]
    figure.definition = parameters["definition"]
    figure.measured_on = datetime.date.fromisoformat(parameters["measured_on"])


def _save(obj, *, by, reason):
    obj.full_clean()
    # django-simple-history records who and why; outside a request (a
    # command, a task) the user is given explicitly.
    obj._history_user = by
    obj._change_reason = reason[:100]
    obj.save()


class HospitalAdoptionImporter(Importer):
    kind = "hospital"
    title = TITLES["hospital"]
    description = gettext_lazy(
        "How far the hospitals of each region use FMK, as NSI reports it: a share, or a "
        "go-live status. One row per region; regions not in the file keep their figures."
    )
    columns = (
        Column(
            "region",
            "Region",
            gettext_lazy("The region's name (“Region Hovedstaden” or “Hovedstaden”) or code."),
            "Region Syddanmark",
            aliases=("regionsnavn", "regionskode", "region code"),
            required=True,
        ),
        Column(
            "share",
            "Andel (%)",
            SHARE.help,
            "80",
            aliases=SHARE.aliases,
        ),
        Column(
            "go_live",
            "Status",
            gettext_lazy(
                "Instead of a share: “i drift” (100 %), “delvist i drift” (50 %) or "
                "“ikke i drift” (0 %)."
            ),
            "delvist i drift",
            aliases=("driftsstatus", "go-live", "go live"),
        ),
        NOTE,
    )
    example_name = "sygehusenes-ibrugtagning-eksempel"
    default_source = "NSI"
    preview_headers = (
        gettext_lazy("Region"),
        gettext_lazy("Share"),
        gettext_lazy("Go-live status"),
        gettext_lazy("Now"),
    )

    def locate_columns(self, table, preview):
        found = super().locate_columns(table, preview)
        if "region" in found and "share" not in found and "go_live" not in found:
            preview.problems.append(
                Problem(
                    table.header_row,
                    "",
                    _("The sheet needs a column “Andel (%)” or “Status”."),
                )
            )
        return found

    def load_context(self):
        return {
            "regions": RegionIndex(Region.objects.values_list("code", "name")),
            "current": {f.region_id: f for f in HospitalAdoption.objects.all()},
        }

    def check_row(self, cells, context, problem, parameters):
        found = context["regions"].resolve(cells["region"].value if cells.get("region") else None)
        if found.error:
            problem("region", found.error)
        go_live = ""
        has_share = not values.is_blank(cells.get("share"))
        if not values.is_blank(cells.get("go_live")):
            try:
                go_live = values.choice(cells["go_live"], GO_LIVE, what=_("go-live status"))
            except values.ValueProblem as error:
                problem("go_live", error.message)
                return None
            if has_share:
                problem("go_live", _("Give a share or a status, not both."))
                return None
        if go_live:
            status, share = FigureStatus.REPORTED, Decimal(HospitalAdoption.GO_LIVE_SHARE[go_live])
        else:
            figure = _figure_status(cells.get("share"), problem)
            if figure is None:
                return None
            status, share = figure
        if found.error:
            return None
        data = {
            "region": found.code,
            "status": str(status),
            "share": None if share is None else str(share.quantize(Decimal("0.1"))),
            "go_live": str(go_live),
            "note": values.text(cells.get("note"))[:300],
        }
        current = context["current"].get(found.code)
        before = None
        if current is not None:
            before = {
                "region": found.code,
                "status": current.status,
                "share": None if current.share is None else str(current.share),
                "go_live": current.go_live,
                "note": current.note,
            }
        change = _change(before, data)
        if change == "unchanged" and (
            current.source,
            current.definition,
            current.measured_on.isoformat(),
        ) != (parameters["source"], parameters["definition"], parameters["measured_on"]):
            change = "changed"
        shown = [
            found.name,
            _share_text(share),
            str(dict(HospitalAdoption.GoLive.choices).get(go_live, "")) if go_live else "",
            _figure_text(current),
        ]
        return found.code, PreviewRow(0, shown, change, data)

    def apply(self, rows, parameters, *, by, reason):
        current = {f.region_id: f for f in HospitalAdoption.objects.all()}
        written = 0
        for item in rows:
            if item["change"] == "unchanged":
                continue
            data = item["data"]
            figure = current.get(data["region"]) or HospitalAdoption(region_id=data["region"])
            _set_figure(figure, data, parameters)
            figure.go_live = data["go_live"]
            _save(figure, by=by, reason=reason)
            written += 1
        return written


def _vendor_key(name):
    return name_key(name)


def _wave_context():
    return values.WaveIndex(Wave.objects.values_list("number", "name", "starts_on"))


VENDOR = Column(
    "vendor",
    "Leverandør",
    gettext_lazy("The EOJ vendor's name, as in the portal (a new name creates the vendor)."),
    "Systematic",
    aliases=("eoj-leverandør", "eoj leverandør", "leverandørnavn", "vendor"),
    required=True,
)


class MunicipalityVendorImporter(Importer):
    kind = "vendors"
    title = TITLES["vendors"]
    description = gettext_lazy(
        "Which EOJ vendor each municipality uses and, where the vendor has agreed a wave "
        "with the municipality, that wave. One row per municipality; municipalities not in "
        "the file keep their vendor. A coordinator's override of a vendor's limit is kept."
    )
    columns = (
        MUNICIPALITY_CODE,
        MUNICIPALITY_NAME,
        VENDOR,
        Column(
            "agreed_wave",
            "Aftalt bølge",
            gettext_lazy(
                "Optional: the wave the vendor has agreed to support this municipality from "
                "(1, 2, 3 or “Bølge 2”). The vendor must have a plan in the portal."
            ),
            "1",
            aliases=("aftale", "aftalt", "agreed wave", "bølge"),
        ),
        NOTE,
    )
    one_of = ("code", "name")
    example_name = "eoj-leverandoerer-eksempel"
    default_source = "EOJ-leverandørerne"
    preview_headers = (
        gettext_lazy("Municipality"),
        gettext_lazy("Code"),
        gettext_lazy("Vendor"),
        gettext_lazy("Agreed wave"),
        gettext_lazy("Now"),
    )

    def load_context(self):
        vendors = {_vendor_key(v.name): v for v in Vendor.objects.select_related("plan")}
        agreements = {
            a.municipality_id: a for a in VendorAgreement.objects.select_related("plan", "wave")
        }
        return {
            "municipalities": _municipality_context(),
            "vendors": vendors,
            "waves": _wave_context(),
            "current": {
                mv.municipality_id: mv
                for mv in MunicipalityVendor.objects.select_related("vendor")
            },
            "agreements": agreements,
        }

    def check_row(self, cells, context, problem, parameters):
        found = _resolve_municipality(cells, context, problem)
        vendor_name = values.text(cells.get("vendor"))
        if not vendor_name:
            problem("vendor", _("No vendor."))
        elif len(vendor_name) > 100:
            problem("vendor", _("The vendor's name is longer than 100 characters."))
        vendor = context["vendors"].get(_vendor_key(vendor_name)) if vendor_name else None
        wave = None
        if not values.is_blank(cells.get("agreed_wave")):
            try:
                wave = context["waves"].parse(cells["agreed_wave"])
            except values.ValueProblem as error:
                problem("agreed_wave", error.message)
                return None
            if vendor is None or not hasattr(vendor, "plan"):
                problem(
                    "agreed_wave",
                    _(
                        "%(vendor)s has no implementation plan in the portal, so an agreed "
                        "wave cannot be recorded: import the vendors' plans first."
                    )
                    % {"vendor": vendor_name},
                )
                return None
        if found is None or not vendor_name or len(vendor_name) > 100:
            return None
        name = vendor.name if vendor else vendor_name
        data = {
            "municipality": found.code,
            "vendor": name,
            "agreed_wave": wave,
            "note": values.text(cells.get("note"))[:300],
        }
        current = context["current"].get(found.code)
        agreement = context["agreements"].get(found.code)
        before = None
        if current is not None:
            before = {
                "municipality": found.code,
                "vendor": current.vendor.name,
                "agreed_wave": agreement.wave.number
                if agreement and agreement.plan.vendor_id == current.vendor_id
                else None,
                "note": agreement.note if agreement else "",
            }
        change = _change(before, data)
        now = "–"
        if current is not None:
            now = current.vendor.name
            if before["agreed_wave"]:
                now += " " + _("(agreed: wave %(wave)s)") % {"wave": before["agreed_wave"]}
        vendor_shown = name if vendor else _("%(name)s (new vendor)") % {"name": name}
        shown = [found.name, found.code, vendor_shown, wave or "", now]
        return found.code, PreviewRow(0, shown, change, data)

    def apply(self, rows, parameters, *, by, reason):
        vendors = {_vendor_key(v.name): v for v in Vendor.objects.all()}
        current = {mv.municipality_id: mv for mv in MunicipalityVendor.objects.all()}
        waves = {w.number: w for w in Wave.objects.all()}
        recorded_on = datetime.date.fromisoformat(parameters["measured_on"])
        written = 0
        for item in rows:
            if item["change"] == "unchanged":
                continue
            data = item["data"]
            vendor = vendors.get(_vendor_key(data["vendor"]))
            if vendor is None:
                vendor = Vendor(name=data["vendor"])
                _save(vendor, by=by, reason=reason)
                vendors[_vendor_key(vendor.name)] = vendor
            link = current.get(data["municipality"]) or MunicipalityVendor(
                municipality_id=data["municipality"]
            )
            link.vendor = vendor
            link.source = parameters["source"]
            link.recorded_on = recorded_on
            _save(link, by=by, reason=reason)
            # An agreement belongs to the vendor's plan: one for the
            # municipality with another vendor no longer applies.
            stale = VendorAgreement.objects.filter(municipality_id=data["municipality"])
            if data["agreed_wave"]:
                stale = stale.exclude(plan__vendor=vendor)
            for agreement in stale:
                agreement._history_user = by
                agreement._change_reason = reason[:100]
                agreement.delete()
            if data["agreed_wave"]:
                agreement = VendorAgreement.objects.filter(
                    plan=vendor.plan, municipality_id=data["municipality"]
                ).first() or VendorAgreement(
                    plan=vendor.plan, municipality_id=data["municipality"]
                )
                agreement.wave = waves[data["agreed_wave"]]
                agreement.note = data["note"]
                _save(agreement, by=by, reason=reason)
            written += 1
        return written


class VendorPlanImporter(Importer):
    kind = "vendor_plans"
    title = TITLES["vendor_plans"]
    description = gettext_lazy(
        "Each EOJ vendor's plan: the earliest wave it can support. One row per vendor; a new "
        "name creates the vendor. Vendors not in the file keep their plans."
    )
    columns = (
        VENDOR,
        Column(
            "earliest_wave",
            "Tidligste bølge",
            gettext_lazy(
                "The earliest wave the vendor can support (1, 2, 3 or “Bølge 2”); empty: "
                "every wave."
            ),
            "2",
            aliases=("tidligst", "fra bølge", "earliest wave"),
            required=True,
        ),
        Column(
            "received_on",
            "Modtaget",
            gettext_lazy("Optional: when the plan was received (otherwise the date above)."),
            "2014-01-10",
            aliases=("modtaget den", "dato", "received", "received on"),
        ),
        NOTE,
    )
    example_name = "leverandoerplaner-eksempel"
    default_source = "Leverandørens implementeringsplan"
    preview_headers = (
        gettext_lazy("Vendor"),
        gettext_lazy("Earliest wave"),
        gettext_lazy("Received"),
        gettext_lazy("Now"),
    )

    def load_context(self):
        return {
            "vendors": {
                _vendor_key(v.name): v
                for v in Vendor.objects.select_related("plan__earliest_wave")
            },
            "waves": _wave_context(),
        }

    def check_row(self, cells, context, problem, parameters):
        vendor_name = values.text(cells.get("vendor"))
        ok = True
        if not vendor_name:
            problem("vendor", _("No vendor."))
            ok = False
        elif len(vendor_name) > 100:
            problem("vendor", _("The vendor's name is longer than 100 characters."))
            ok = False
        wave = None
        if not values.is_blank(cells.get("earliest_wave")):
            try:
                wave = context["waves"].parse(cells["earliest_wave"])
            except values.ValueProblem as error:
                problem("earliest_wave", error.message)
                ok = False
        received_on = parameters["measured_on"]
        if not values.is_blank(cells.get("received_on")):
            try:
                received_on = values.date(cells["received_on"]).isoformat()
            except values.ValueProblem as error:
                problem("received_on", error.message)
                ok = False
        if not ok:
            return None
        vendor = context["vendors"].get(_vendor_key(vendor_name))
        name = vendor.name if vendor else vendor_name
        data = {
            "vendor": name,
            "earliest_wave": wave,
            "received_on": received_on,
            "note": values.text(cells.get("note")),
        }
        plan = getattr(vendor, "plan", None) if vendor else None
        before = None
        now = "–"
        if plan is not None:
            before = {
                "vendor": name,
                "earliest_wave": plan.earliest_wave.number if plan.earliest_wave else None,
                "received_on": plan.received_on.isoformat(),
                "note": plan.note,
            }
            now = (
                _("from wave %(wave)s") % {"wave": before["earliest_wave"]}
                if before["earliest_wave"]
                else _("every wave")
            )
        change = _change(before, data)
        if change == "unchanged" and plan.source != parameters["source"]:
            change = "changed"
        vendor_shown = name if vendor else _("%(name)s (new vendor)") % {"name": name}
        shown = [
            vendor_shown,
            wave or _("every wave"),
            date_format(datetime.date.fromisoformat(received_on), "SHORT_DATE_FORMAT"),
            now,
        ]
        return _vendor_key(name), PreviewRow(0, shown, change, data)

    def apply(self, rows, parameters, *, by, reason):
        vendors = {_vendor_key(v.name): v for v in Vendor.objects.select_related("plan")}
        waves = {w.number: w for w in Wave.objects.all()}
        written = 0
        for item in rows:
            if item["change"] == "unchanged":
                continue
            data = item["data"]
            vendor = vendors.get(_vendor_key(data["vendor"]))
            if vendor is None:
                vendor = Vendor(name=data["vendor"])
                _save(vendor, by=by, reason=reason)
            plan = getattr(vendor, "plan", None) or VendorPlan(vendor=vendor)
            plan.earliest_wave = waves[data["earliest_wave"]] if data["earliest_wave"] else None
            plan.received_on = datetime.date.fromisoformat(data["received_on"])
            plan.source = parameters["source"]
            plan.note = data["note"]
            _save(plan, by=by, reason=reason)
            written += 1
        return written


IMPORTERS = {
    importer.kind: importer
    for importer in (
        GPAdoptionImporter(),
        HospitalAdoptionImporter(),
        MunicipalityVendorImporter(),
        VendorPlanImporter(),
    )
}


def get_importer(kind):
    return IMPORTERS[kind]
