"""A server-rendered SVG map of a wave plan, from `Municipality.geometry`.

The outlines are GeoJSON (WGS84); they are projected with a plain
equirectangular projection scaled by cos(latitude), which is close enough
for a country the size of Denmark. Bornholm is drawn as an inset, as on
most maps of Denmark. The map is decoration for sighted users: every page
that shows it also has the same facts as a table.
"""

import math

from municipalities.models import Municipality

WIDTH = 560
BORNHOLM = 400
# Bornholm moved into the Kattegat corner of the map (degrees).
BORNHOLM_SHIFT = (-2.45, 2.05)
WAVE_COLOURS = {1: "#0059b3", 2: "#e3a600", 3: "#8a3ca6"}
UNKNOWN_COLOUR = "#bfbfbf"


def _rings(geometry):
    if geometry.get("type") == "Polygon":
        return geometry["coordinates"]
    if geometry.get("type") == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


def plan_map(wave_of, labels=None):
    """{"width", "height", "shapes": [{code, name, wave, colour, path}], "inset"}."""
    rows = list(
        Municipality.objects.order_by("code").values_list("code", "short_name", "geometry")
    )
    projected = {}
    xs, ys = [], []
    scale_x = math.cos(math.radians(56))
    for code, _name, geometry in rows:
        shift = BORNHOLM_SHIFT if code == BORNHOLM else (0, 0)
        rings = []
        for ring in _rings(geometry or {}):
            points = [((lon + shift[0]) * scale_x, -(lat + shift[1])) for lon, lat in ring]
            xs.extend(x for x, _y in points)
            ys.extend(y for _x, y in points)
            rings.append(points)
        projected[code] = rings
    if not xs:
        return None
    min_x, min_y = min(xs), min(ys)
    factor = WIDTH / (max(xs) - min_x)
    height = math.ceil((max(ys) - min_y) * factor)
    shapes = []
    inset = None
    for code, name, _geometry in rows:
        path = " ".join(
            "M"
            + " L".join(f"{(x - min_x) * factor:.0f},{(y - min_y) * factor:.0f}" for x, y in ring)
            + " Z"
            for ring in projected[code]
        )
        wave = wave_of.get(code)
        shapes.append(
            {
                "code": code,
                "name": name,
                "wave": wave,
                "label": (labels or {}).get(wave, ""),
                "colour": WAVE_COLOURS.get(wave, UNKNOWN_COLOUR),
                "path": path,
            }
        )
        if code == BORNHOLM and projected[code]:
            points = [p for ring in projected[code] for p in ring]
            left = (min(x for x, _y in points) - min_x) * factor - 6
            top = (min(y for _x, y in points) - min_y) * factor - 6
            right = (max(x for x, _y in points) - min_x) * factor + 6
            bottom = (max(y for _x, y in points) - min_y) * factor + 6
            inset = {"x": left, "y": top, "width": right - left, "height": bottom - top}
    return {"width": WIDTH, "height": height, "shapes": shapes, "inset": inset}
