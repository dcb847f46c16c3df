"""Geometry of the trade-off chart: split pairs across, wishes met up.

Pure Python: numbers in, coordinates out; the template draws the SVG. The
chart is a picture of the table beside it (which has the same figures and
the links), so it needs no interaction of its own.
"""

import math
from dataclasses import dataclass

WIDTH = 560
HEIGHT = 340
MARGIN_LEFT = 56
MARGIN_RIGHT = 16
MARGIN_TOP = 16
MARGIN_BOTTOM = 48


@dataclass(frozen=True)
class Dot:
    number: int  # the row number in the table
    x: float
    y: float
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Mark:
    kind: str  # "draft" | "published" | "draft_2013"
    x: float
    y: float
    points: str  # the SVG polygon of its symbol


@dataclass(frozen=True)
class Tick:
    value: int
    position: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    dots: tuple[Dot, ...]
    line: str  # SVG path through the dots, the frontier
    marks: tuple[Mark, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]


def _nice_step(span, count=6):
    raw = max(span, 1) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return int(max(1, factor * magnitude))
    return int(10 * magnitude)


def _axis(values, floor_at_zero=False):
    low, high = min(values), max(values)
    step = _nice_step(high - low)
    start = 0 if floor_at_zero else step * math.floor(low / step)
    end = step * math.ceil(high / step)
    if end == start:
        end = start + step
    return start, end, step


def _symbol(kind, x, y, size=7.0):
    if kind == "published":  # a diamond
        corners = [(x, y - size), (x + size, y), (x, y + size), (x - size, y)]
    elif kind == "draft_2013":  # a triangle
        corners = [(x, y - size), (x + size, y + size * 0.8), (x - size, y + size * 0.8)]
    else:  # the current draft: a square
        half = size * 0.8
        corners = [
            (x - half, y - half),
            (x + half, y - half),
            (x + half, y + half),
            (x - half, y + half),
        ]
    return " ".join(f"{a:.1f},{b:.1f}" for a, b in corners)


def build(points, marks):
    """`points`: (split pairs, wishes met) in table order; `marks`:
    {kind: (split pairs, wishes met)}. Returns a `Chart`, or None when
    there is nothing to draw."""
    if not points and not marks:
        return None
    xs = [p[0] for p in points] + [m[0] for m in marks.values()]
    ys = [p[1] for p in points] + [m[1] for m in marks.values()]
    x_start, x_end, x_step = _axis(xs)
    y_start, y_end, y_step = _axis(ys)
    left, right = MARGIN_LEFT, WIDTH - MARGIN_RIGHT
    top, bottom = MARGIN_TOP, HEIGHT - MARGIN_BOTTOM

    def x_at(value):
        return left + (value - x_start) / (x_end - x_start) * (right - left)

    def y_at(value):
        return bottom - (value - y_start) / (y_end - y_start) * (bottom - top)

    dots = []
    for number, (splits, wishes) in enumerate(points, start=1):
        x, y = x_at(splits), y_at(wishes)
        # Labels sit above right of their dot, inside the plot.
        dots.append(Dot(number, x, y, min(x + 6, right - 8), max(y - 8, top + 10)))
    ordered = sorted(dots, key=lambda d: d.x)
    line = " ".join(f"{'M' if i == 0 else 'L'}{d.x:.1f},{d.y:.1f}" for i, d in enumerate(ordered))
    symbols = tuple(
        Mark(kind, x_at(s), y_at(w), _symbol(kind, x_at(s), y_at(w)))
        for kind, (s, w) in marks.items()
    )
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        dots=tuple(dots),
        line=line,
        marks=symbols,
        x_ticks=tuple(Tick(v, x_at(v)) for v in range(x_start, x_end + 1, x_step)),
        y_ticks=tuple(Tick(v, y_at(v)) for v in range(y_start, y_end + 1, y_step)),
    )
