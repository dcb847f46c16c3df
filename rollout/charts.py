"""Geometry of the dashboard's server-rendered SVG: the timeline and the charts.

Pure: dates and numbers in, coordinates out; no ORM, settings or clock, so
the templates only draw what is computed here. Every chart is shown with
its numbers in a table beside it.
"""

import datetime
from dataclasses import dataclass, field

TIMELINE_START = datetime.date(2014, 1, 1)
TIMELINE_END = datetime.date(2015, 9, 30)


@dataclass(frozen=True)
class Bar:
    label: str
    starts_on: datetime.date
    ends_on: datetime.date
    kind: str  # "programme" or "wave"


@dataclass(frozen=True)
class Mark:
    label: str
    on: datetime.date
    reached_on: datetime.date | None = None


@dataclass
class Timeline:
    width: int
    height: int
    label_width: int
    quarters: list = field(default_factory=list)
    bars: list = field(default_factory=list)
    marks: list = field(default_factory=list)
    today: dict | None = None


def quarter_starts(start, end):
    quarters = []
    day = datetime.date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
    while day <= end:
        quarters.append(day)
        month = day.month + 3
        day = datetime.date(day.year + (month > 12), (month - 1) % 12 + 1, 1)
    return quarters


def quarter_label(day):
    return f"Q{(day.month - 1) // 3 + 1} {day.year}"


def timeline(bars, marks, today, *, start=TIMELINE_START, end=TIMELINE_END, width=900):
    """Bars (periods, waves) and marks (M1, M2) on a quarter axis, with today's line."""
    label_width = 230
    row_height = 26
    top = 30
    span = (end - start).days + 1
    plot = width - label_width - 12

    def x(day):
        day = min(max(day, start), end + datetime.timedelta(days=1))
        return round(label_width + plot * (day - start).days / span, 1)

    result = Timeline(width=width, height=0, label_width=label_width)
    quarters = quarter_starts(start, end)
    for index, day in enumerate(quarters):
        following = quarters[index + 1] if index + 1 < len(quarters) else end
        result.quarters.append(
            {"x": x(day), "label": quarter_label(day), "mid": (x(day) + x(following)) / 2}
        )
    y = top
    for bar in bars:
        result.bars.append(
            {
                "label": bar.label,
                "kind": bar.kind,
                "x": x(bar.starts_on),
                "width": max(2, x(bar.ends_on + datetime.timedelta(days=1)) - x(bar.starts_on)),
                "y": y,
                "text_y": y + 15,
                "starts_on": bar.starts_on,
                "ends_on": bar.ends_on,
            }
        )
        y += row_height
    for mark in marks:
        result.marks.append(
            {
                "label": mark.label,
                "x": x(mark.on),
                "y": y + 10,
                "text_y": y + 15,
                "on": mark.on,
                "reached_on": mark.reached_on,
                "reached_x": x(mark.reached_on) if mark.reached_on else None,
                "points": _diamond(x(mark.on), y + 10),
            }
        )
        y += row_height
    result.height = y + 8
    if start <= today <= end:
        result.today = {"x": x(today), "on": today, "y1": top - 6, "y2": y}
    return result


def _diamond(cx, cy, r=7):
    return f"{cx},{cy - r} {cx + r},{cy} {cx},{cy + r} {cx - r},{cy}"


def bar_chart(rows, *, width=420, bar_height=22):
    """Horizontal bars: rows of (label, value, colour), scaled to the largest."""
    label_width = 150
    largest = max((value for _label, value, _colour in rows), default=0) or 1
    plot = width - label_width - 60
    bars = []
    for index, (label, value, colour) in enumerate(rows):
        bars.append(
            {
                "label": label,
                "value": value,
                "colour": colour,
                "y": 6 + index * (bar_height + 8),
                "text_y": 6 + index * (bar_height + 8) + bar_height * 0.7,
                "width": round(plot * value / largest, 1),
                "value_x": label_width + round(plot * value / largest, 1) + 6,
            }
        )
    return {
        "width": width,
        "height": 12 + len(rows) * (bar_height + 8),
        "label_width": label_width,
        "bar_height": bar_height,
        "bars": bars,
    }


def line_chart(months, series, *, width=620, height=240):
    """Lines of percentages (0–100) over months: series of {label, colour, points}."""
    left, right, top, bottom = 44, 12, 12, 34
    plot_w = width - left - right
    plot_h = height - top - bottom
    count = max(len(months) - 1, 1)

    def x(index):
        return round(left + plot_w * index / count, 1)

    def y(percent):
        return round(top + plot_h * (100 - percent) / 100, 1)

    lines = []
    for item in series:
        points = [(x(i), y(value)) for i, (_month, value) in enumerate(item["points"])]
        lines.append(
            {
                "label": item["label"],
                "colour": item["colour"],
                "dash": item.get("dash", ""),
                "points": " ".join(f"{px},{py}" for px, py in points),
                "last": points[-1] if points else None,
            }
        )
    ticks = [{"y": y(p), "label": f"{p} %"} for p in (0, 25, 50, 75, 100)]
    month_ticks = [
        {"x": x(i), "label": f"{m.month:02d}.{m.year % 100:02d}"}
        for i, m in enumerate(months)
        if m.month in (1, 4, 7, 10)
    ]
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "bottom": top + plot_h,
        "lines": lines,
        "ticks": ticks,
        "month_ticks": month_ticks,
        "label_y": height - 10,
    }
