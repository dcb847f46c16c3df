"""A server-rendered SVG choropleth of the municipalities, from `MunicipalityOutline.geometry`.

Any page colours the map by a measure of its own (`choropleth`): a value
per municipality, the categories with their labels and colours (the
legend), a link per municipality (its name shows on hover and on keyboard
focus), the user's own municipalities outlined. Bornholm is moved into the
Kattegat corner, as on most maps of Denmark, and the Copenhagen area, where
the small municipalities are otherwise unreadable, is drawn again enlarged
in an inset beside the map.

The outlines are GeoJSON (WGS84), projected with a plain equirectangular
projection scaled by cos(latitude), close enough for a country the size of
Denmark. Projecting the ~17,600 vertices took almost half of a wave page's
time, so it is done once per set of shapes and kept in the process: a
cheap query (codes, names and the size of each stored shape) tells whether
the shapes changed since. The map is for sighted users: every page that
shows it also has the same facts as a table.
"""

import math
import threading
from dataclasses import dataclass

from django.db.models import TextField
from django.db.models.functions import Cast, Length
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from municipalities.models import Municipality

WIDTH = 560
INSET_WIDTH = 220
INSET_GAP = 24
BORNHOLM = 400
# Bornholm moved into the Kattegat corner of the map (degrees).
BORNHOLM_SHIFT = (-2.45, 2.05)
# The Copenhagen area of the inset (degrees): lon, lat of two corners.
CAPITAL_AREA = ((12.18, 55.58), (12.66, 55.86))
SCALE_X = math.cos(math.radians(56))
WAVE_COLOURS = {1: "#0059b3", 2: "#e3a600", 3: "#8a3ca6"}
UNKNOWN_COLOUR = "#bfbfbf"


@dataclass(frozen=True)
class Category:
    """One class of the legend: the value it stands for, its label and colour."""

    key: object
    label: str
    colour: str


@dataclass(frozen=True)
class Shape:
    code: int
    name: str
    path: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Projection:
    width: int
    height: int
    shapes: tuple
    bornholm_frame: dict | None
    # translate/scale that draws the capital area into the inset, and its frame.
    inset: dict | None


def _rings(geometry):
    if geometry.get("type") == "Polygon":
        return geometry["coordinates"]
    if geometry.get("type") == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


def _point(lon, lat, shift=(0, 0)):
    return ((lon + shift[0]) * SCALE_X, -(lat + shift[1]))


def project(rows):
    """Project (code, name, geometry, centroid lon, centroid lat) rows.

    Pure: no database, so it can be tested and timed on its own.
    """
    projected = {}
    xs, ys = [], []
    for code, _name, geometry, _lon, _lat in rows:
        shift = BORNHOLM_SHIFT if code == BORNHOLM else (0, 0)
        rings = []
        for ring in _rings(geometry or {}):
            points = [_point(lon, lat, shift) for lon, lat in ring]
            xs.extend(x for x, _y in points)
            ys.extend(y for _x, y in points)
            rings.append(points)
        projected[code] = rings
    if not xs:
        return None
    min_x, min_y = min(xs), min(ys)
    factor = WIDTH / (max(xs) - min_x)
    height = math.ceil((max(ys) - min_y) * factor)

    def to_map(x, y):
        return (x - min_x) * factor, (y - min_y) * factor

    shapes = []
    bornholm_frame = None
    for code, name, _geometry, lon, lat in rows:
        rings = projected[code]
        if not rings:
            continue
        path = " ".join(
            "M" + " L".join("{:.1f},{:.1f}".format(*to_map(x, y)) for x, y in ring) + " Z"
            for ring in rings
        )
        shift = BORNHOLM_SHIFT if code == BORNHOLM else (0, 0)
        label_x, label_y = to_map(*_point(lon, lat, shift))
        shapes.append(Shape(code, name, path, round(label_x, 1), round(label_y, 1)))
        if code == BORNHOLM:
            points = [to_map(x, y) for ring in rings for x, y in ring]
            left = min(x for x, _y in points) - 6
            top = min(y for _x, y in points) - 6
            right = max(x for x, _y in points) + 6
            bottom = max(y for _x, y in points) + 6
            bornholm_frame = {"x": left, "y": top, "width": right - left, "height": bottom - top}

    (west, south), (east, north) = CAPITAL_AREA
    left, top = to_map(*_point(west, north))
    right, bottom = to_map(*_point(east, south))
    scale = INSET_WIDTH / (right - left)
    inset_height = (bottom - top) * scale
    inset_x = WIDTH + INSET_GAP
    inset_y = 28
    inset = {
        "x": inset_x,
        "y": inset_y,
        "width": INSET_WIDTH,
        "height": round(inset_height, 1),
        "transform": (
            f"translate({inset_x - left * scale:.1f},{inset_y - top * scale:.1f}) "
            f"scale({scale:.3f})"
        ),
        "stroke": round(0.6 / scale, 3),
        "outline_stroke": round(2.4 / scale, 3),
        # The area's outline on the main map.
        "source": {"x": left, "y": top, "width": right - left, "height": bottom - top},
        "codes": frozenset(
            code
            for code, _name, _geometry, lon, lat in rows
            if west <= lon <= east and south <= lat <= north
        ),
    }
    height = max(height, math.ceil(inset_y + inset_height + 8))
    return Projection(
        WIDTH + INSET_GAP + INSET_WIDTH, height, tuple(shapes), bornholm_frame, inset
    )


_lock = threading.Lock()
_cache = {}


def _fingerprint():
    """What identifies the current set of shapes, without loading them."""
    return tuple(
        Municipality.objects.annotate(size=Length(Cast("outline__geometry", TextField())))
        .order_by("code")
        .values_list("code", "short_name", "size", "centroid_lon", "centroid_lat")
    )


def projection():
    """The projected shapes, computed once per set of shapes in this process."""
    key = _fingerprint()
    with _lock:
        if key in _cache:
            return _cache[key]
    rows = list(
        Municipality.objects.order_by("code").values_list(
            "code", "short_name", "outline__geometry", "centroid_lon", "centroid_lat"
        )
    )
    result = project(rows)
    with _lock:
        # One set of shapes at a time: an old one is never needed again.
        _cache.clear()
        _cache[key] = result
    return result


def clear_cache():
    with _lock:
        _cache.clear()


def choropleth(*, values, categories, urls=None, outlined=(), value_labels=None):
    """The map coloured by `values` ({code: category key}).

    `categories` are the legend's classes in order; a municipality whose
    value is not among them is drawn grey as "no value". `urls` ({code:
    url}) makes a municipality a link; `outlined` codes are drawn with a
    heavy outline (the user's own municipality); `value_labels` ({code:
    text}) replace the category's label in the name shown on hover/focus.
    Returns None when no shapes are loaded.
    """
    base = projection()
    if base is None:
        return None
    urls = urls or {}
    value_labels = value_labels or {}
    by_key = {category.key: category for category in categories}
    counts = {category.key: 0 for category in categories}
    missing = 0
    shapes = []
    for shape in base.shapes:
        category = by_key.get(values.get(shape.code))
        if category is None:
            missing += 1
        else:
            counts[category.key] += 1
        label = value_labels.get(shape.code) or (category.label if category else "")
        shapes.append(
            {
                "code": shape.code,
                "name": shape.name,
                "path": shape.path,
                "label_x": shape.label_x,
                "label_y": shape.label_y,
                "colour": category.colour if category else UNKNOWN_COLOUR,
                "value": label,
                "url": urls.get(shape.code),
                "outlined": shape.code in outlined,
                "in_inset": base.inset is not None and shape.code in base.inset["codes"],
            }
        )
    legend = [(category, counts[category.key]) for category in categories]
    inset_shapes = [s for s in shapes if s["in_inset"]]
    outlined_shapes = [s for s in shapes if s["outlined"]]
    return {
        **_markup(shapes, inset_shapes, outlined_shapes, base.inset),
        "width": base.width,
        "height": base.height,
        "map_width": WIDTH,
        "shapes": shapes,
        "outlined": outlined_shapes,
        "inset_shapes": inset_shapes,
        "bornholm": base.bornholm_frame,
        "inset": base.inset,
        "legend": legend,
        "missing": missing,
    }


def _markup(shapes, inset_shapes, outlined_shapes, inset):
    """The shapes' SVG elements (for `_map.html`). Drawn here rather than by
    a template loop: a few hundred elements of a dozen attributes each were
    a third of a wave page's time in the template engine. Every value is
    escaped by format_html."""
    no_value = gettext("no value")
    titles = [format_html("{}: {}", s["name"], s["value"] or no_value) for s in shapes]
    title_of = dict(zip((s["code"] for s in shapes), titles, strict=True))
    main = []
    for shape, title in zip(shapes, titles, strict=True):
        opening = (
            format_html('<a href="{}" aria-label="{}">', shape["url"], title)
            if shape["url"]
            else mark_safe("<g>")
        )
        main.append(
            format_html(
                '{}<path d="{}" fill="{}" stroke="#ffffff" stroke-width="0.6">'
                "<title>{}</title></path>"
                '<text class="choropleth-label" x="{}" y="{}" aria-hidden="true">{}</text>{}',
                opening,
                shape["path"],
                shape["colour"],
                title,
                _number(shape["label_x"], 1),
                _number(shape["label_y"], 1),
                shape["name"],
                mark_safe("</a>" if shape["url"] else "</g>"),
            )
        )
    outlines = [
        format_html(
            '<path d="{}" fill="none" stroke="#1a1a1a" stroke-width="2.4" '
            'stroke-linejoin="round"/>',
            shape["path"],
        )
        for shape in outlined_shapes
    ]
    in_inset, inset_outlines = [], []
    if inset:
        stroke = _number(inset["stroke"], 3)
        for shape in inset_shapes:
            opening = (
                format_html('<a href="{}" tabindex="-1">', shape["url"])
                if shape["url"]
                else mark_safe("<g>")
            )
            in_inset.append(
                format_html(
                    '{}<path d="{}" fill="{}" stroke="#ffffff" stroke-width="{}"><title>{}'
                    "</title></path>{}",
                    opening,
                    shape["path"],
                    shape["colour"],
                    stroke,
                    title_of[shape["code"]],
                    mark_safe("</a>" if shape["url"] else "</g>"),
                )
            )
        outline_stroke = _number(inset["outline_stroke"], 3)
        inset_outlines = [
            format_html(
                '<path d="{}" fill="none" stroke="#1a1a1a" stroke-width="{}"/>',
                shape["path"],
                outline_stroke,
            )
            for shape in inset_shapes
            if shape["outlined"]
        ]
    return {
        "shapes_svg": mark_safe("\n".join(main)),
        "outlined_svg": mark_safe("".join(outlines)),
        "inset_svg": mark_safe("".join(in_inset)),
        "inset_outlined_svg": mark_safe("".join(inset_outlines)),
    }


def _number(value, places):
    """A coordinate as SVG wants it: a dot, no thousands separator (as
    floatformat with the "u" flag)."""
    return f"{value:.{places}f}"


def wave_categories(waves):
    """The legend of a wave map: one class per wave, in the waves' colours."""
    return [
        Category(wave.number, str(wave), WAVE_COLOURS.get(wave.number, UNKNOWN_COLOUR))
        for wave in waves
    ]
