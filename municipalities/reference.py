"""Load the regions, municipalities and neighbour pairs from `fixtures/`.

The files are copies of the DAGI-based reference data (see
fixtures/REFERENCE-DATA.md for source, licence and attribution). Loading is
idempotent: a second run changes nothing. Incomplete or inconsistent files
are refused as a whole, with a message that says what is wrong, before
anything is written.
"""

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .models import Municipality, MunicipalityOutline, NeighbourPair, Region

EXPECTED_REGIONS = 5
EXPECTED_MUNICIPALITIES = 98
DEFAULT_DIRECTORY = Path(settings.BASE_DIR) / "fixtures"


class ReferenceDataError(Exception):
    pass


@dataclass
class LoadSummary:
    regions: int
    municipalities: int
    neighbour_pairs: int
    changed: int

    def __str__(self):
        return (
            f"{self.regions} regions, {self.municipalities} municipalities, "
            f"{self.neighbour_pairs} neighbour pairs ({self.changed} rows changed)"
        )


def read_csv(path, columns):
    """The rows of a CSV file in fixtures/, refused if a column or value is missing."""
    if not path.exists():
        raise ReferenceDataError(f"{path.name} is missing from {path.parent}.")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = set(columns) - set(reader.fieldnames or [])
        if missing:
            raise ReferenceDataError(
                f"{path.name} lacks the column(s) {', '.join(sorted(missing))}."
            )
        rows = list(reader)
    for number, row in enumerate(rows, start=2):
        for column in columns:
            if not (row.get(column) or "").strip():
                raise ReferenceDataError(f"{path.name}, line {number}: {column} is empty.")
    return rows


def read_reference_data(directory=DEFAULT_DIRECTORY):
    """Read and check the files; return (regions, municipalities, pairs)."""
    directory = Path(directory)
    regions = {
        int(row["region_code"]): row["region_name"]
        for row in read_csv(directory / "regions.csv", ["region_code", "region_name"])
    }
    if len(regions) != EXPECTED_REGIONS:
        raise ReferenceDataError(
            f"regions.csv has {len(regions)} regions; Denmark has {EXPECTED_REGIONS}."
        )

    columns = [
        "code",
        "name",
        "short_name",
        "region_code",
        "centroid_lon",
        "centroid_lat",
        "area_km2",
    ]
    municipalities = {}
    for row in read_csv(directory / "municipalities.csv", columns):
        code = int(row["code"])
        if code in municipalities:
            raise ReferenceDataError(f"municipalities.csv lists code {code} twice.")
        if int(row["region_code"]) not in regions:
            raise ReferenceDataError(
                f"municipalities.csv: {row['short_name']} ({code}) is in unknown region "
                f"{row['region_code']}."
            )
        municipalities[code] = {
            "name": row["name"],
            "short_name": row["short_name"],
            "region_id": int(row["region_code"]),
            "centroid_lon": float(row["centroid_lon"]),
            "centroid_lat": float(row["centroid_lat"]),
            "area_km2": float(row["area_km2"]),
            "geometry": {},
        }
    if len(municipalities) != EXPECTED_MUNICIPALITIES:
        raise ReferenceDataError(
            f"municipalities.csv has {len(municipalities)} municipalities; "
            f"Denmark has {EXPECTED_MUNICIPALITIES}."
        )

    geojson_path = directory / "municipalities.geojson"
    if not geojson_path.exists():
        raise ReferenceDataError(f"municipalities.geojson is missing from {directory}.")
    features = json.loads(geojson_path.read_text(encoding="utf-8")).get("features", [])
    for feature in features:
        code = int(feature["properties"]["code"])
        if code not in municipalities:
            raise ReferenceDataError(f"municipalities.geojson has unknown code {code}.")
        municipalities[code]["geometry"] = feature["geometry"]
    without_shape = sorted(c for c, m in municipalities.items() if not m["geometry"])
    if without_shape:
        raise ReferenceDataError(
            f"municipalities.geojson has no map shape for code(s) {without_shape}."
        )

    pairs = {}
    rows = read_csv(directory / "adjacency.csv", ["code_a", "code_b", "kind"])
    for number, row in enumerate(rows, start=2):
        a, b = sorted((int(row["code_a"]), int(row["code_b"])))
        if a not in municipalities or b not in municipalities:
            raise ReferenceDataError(f"adjacency.csv, line {number}: unknown code in {a}–{b}.")
        if a == b:
            raise ReferenceDataError(f"adjacency.csv, line {number}: {a} is paired with itself.")
        if row["kind"] not in NeighbourPair.Kind.values:
            raise ReferenceDataError(
                f"adjacency.csv, line {number}: unknown kind {row['kind']!r}."
            )
        pairs[(a, b)] = row["kind"]
    alone = sorted(set(municipalities) - {c for pair in pairs for c in pair})
    if alone:
        raise ReferenceDataError(f"adjacency.csv gives no neighbour to code(s) {alone}.")
    return regions, municipalities, pairs


@transaction.atomic
def load_reference_data(directory=DEFAULT_DIRECTORY):
    """Write the regions, municipalities and neighbour pairs; return a summary."""
    regions, municipalities, pairs = read_reference_data(directory)
    changed = 0
    for code, name in regions.items():
        _, created = Region.objects.get_or_create(code=code, defaults={"name": name})
        changed += created or Region.objects.filter(code=code).exclude(name=name).update(name=name)

    existing = {m.code: m for m in Municipality.objects.all()}
    outlines = dict(MunicipalityOutline.objects.values_list("municipality_id", "geometry"))
    for code, fields in municipalities.items():
        fields = dict(fields)
        geometry = fields.pop("geometry")
        current = existing.get(code)
        if current is None:
            Municipality.objects.create(code=code, **fields)
            changed += 1
        elif any(getattr(current, field) != value for field, value in fields.items()):
            Municipality.objects.filter(code=code).update(**fields)
            changed += 1
        if code not in outlines:
            MunicipalityOutline.objects.create(municipality_id=code, geometry=geometry)
            changed += 1
        elif outlines[code] != geometry:
            MunicipalityOutline.objects.filter(municipality_id=code).update(geometry=geometry)
            changed += 1

    stored = {(p.a_id, p.b_id): p for p in NeighbourPair.objects.all()}
    for (a, b), kind in pairs.items():
        pair = stored.get((a, b))
        if pair is None:
            NeighbourPair.objects.create(a_id=a, b_id=b, kind=kind)
            changed += 1
        elif pair.kind != kind:
            pair.kind = kind
            pair.save(update_fields=["kind"])
            changed += 1
    stale = [p.pk for key, p in stored.items() if key not in pairs]
    changed += NeighbourPair.objects.filter(pk__in=stale).delete()[0]
    return LoadSummary(len(regions), len(municipalities), len(pairs), changed)
