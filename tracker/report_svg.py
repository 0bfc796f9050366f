"""Small stance-over-time charts drawn as inline SVG, for the HTML reports.

A chart has three lanes (support at the top, mixed in the middle, oppose at the
bottom) and one dot per date and stance, its area growing with the number of
positions, so that an analyst sees at a glance when an actor (or the actors on a
target) moved. Undated positions sit in a slot of their own at the left, apart
from the time axis. Every chart on a page shares one time span, so that charts
compare. The SVG is plain text in the page: no script, no font, no network, and
it prints as it shows.

Dots closer than a few pixels are merged, so the size of a chart does not grow
with the number of positions (a store of thousands of articles still draws a
chart of at most a few hundred dots).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

LANES = ("support", "mixed", "oppose")
# Darker than the matrix's cell colours: a dot must stand out on white.
DOT_COLOURS = {"support": "#2e7d32", "mixed": "#e08a00", "oppose": "#c62828"}
_UNDATED_SLOT = 16  # px at the left for undated positions
_MERGE_PX = 3.0  # dots closer than this on one lane are drawn as one
_SMALLEST = 2.2  # px: the radius of a dot for one position


@dataclass(frozen=True)
class Span:
    """The time axis shared by the charts of one page."""

    first: dt.date
    last: dt.date

    @classmethod
    def of(cls, dates: Iterable[str | dt.date | None]) -> Span | None:
        """The span of the dated values, None when none is dated."""
        known = sorted(d for d in (_date(v) for v in dates) if d is not None)
        return cls(known[0], known[-1]) if known else None

    def label(self) -> str:
        if self.first == self.last:
            return self.first.isoformat()
        return f"{self.first.isoformat()} to {self.last.isoformat()}"


def _date(value: str | dt.date | None) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def stance_chart(
    points: Iterable[tuple[str | dt.date | None, str]],
    span: Span | None,
    *,
    width: int = 180,
    height: int = 40,
    axis: bool = False,
    label: str = "",
) -> str:
    """An SVG chart of (date, stance) points; ``axis`` adds year labels below.

    Points of another stance than support, mixed and oppose are left out.
    """
    counts: dict[str, int] = dict.fromkeys(LANES, 0)
    undated: dict[str, int] = dict.fromkeys(LANES, 0)
    dots: dict[tuple[str, int], list[dt.date]] = {}
    left, right = _UNDATED_SLOT + 6, width - 5
    lane_y = {lane: 7 + i * (height - 14) / 2 for i, lane in enumerate(LANES)}

    def x_of(day: dt.date) -> float:
        if span is None or span.first == span.last:
            return (left + right) / 2
        share = (day - span.first).days / (span.last - span.first).days
        return left + max(0.0, min(1.0, share)) * (right - left)

    for raw, stance in points:
        if stance not in counts:
            continue
        counts[stance] += 1
        day = _date(raw)
        if day is None:
            undated[stance] += 1
            continue
        dots.setdefault((stance, round(x_of(day) / _MERGE_PX)), []).append(day)

    total = sum(counts.values())
    summary = ", ".join(f"{counts[s]} {s}" for s in LANES if counts[s])
    title = (label + ": " if label else "") + (summary or "no positions")
    if span is not None:
        title += f"; {span.label()}"
    if any(undated.values()):
        title += f"; {sum(undated.values())} undated"
    full_height = height + (12 if axis else 0)
    out = [
        f'<svg class="chart" width="{width}" height="{full_height}" '
        f'viewBox="0 0 {width} {full_height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for lane, y in lane_y.items():
        out.append(
            f'<line class="lane {lane}" x1="{left - 2}" x2="{right + 2}" y1="{y:.1f}" '
            f'y2="{y:.1f}"/>'
        )
    out.append(
        f'<line class="undated-edge" x1="{_UNDATED_SLOT + 2}" x2="{_UNDATED_SLOT + 2}" '
        f'y1="2" y2="{height - 2}"/>'
    )
    if span is not None and axis:  # the first year at the axis's start
        out.append(f'<text class="year" x="{left + 3}" y="{height + 10}">{span.first.year}</text>')
    if span is not None and span.first != span.last:
        for year in range(span.first.year + 1, span.last.year + 1):
            x = x_of(dt.date(year, 1, 1))
            out.append(f'<line class="year" x1="{x:.1f}" x2="{x:.1f}" y1="2" y2="{height - 2}"/>')
            if axis and x - left > 34:  # clear of the first year's label
                out.append(
                    f'<text class="year" x="{x:.1f}" y="{height + 10}" '
                    f'text-anchor="middle">{year}</text>'
                )
    if axis:
        out.append(f'<text class="year" x="2" y="{height + 10}">n.d.</text>')
    # A dot's area grows with its count, up to what fits between two lanes; a single
    # position is always the smallest dot.
    largest = max([*undated.values(), *(len(days) for days in dots.values()), 1])
    biggest = max(_SMALLEST, min(6.5, (height - 14) / 4 - 0.3))

    def radius(count: int) -> float:
        if largest == 1:
            return _SMALLEST
        return _SMALLEST + (biggest - _SMALLEST) * math.sqrt((count - 1) / (largest - 1))

    for lane in LANES:
        if undated[lane]:
            count = undated[lane]
            out.append(_dot(_UNDATED_SLOT / 2, lane_y[lane], lane, count, radius(count), "undated"))
    for (lane, _), days in sorted(dots.items(), key=lambda item: min(item[1])):
        first, last = min(days), max(days)
        when = first.isoformat() if first == last else f"{first.isoformat()} to {last.isoformat()}"
        out.append(_dot(x_of(first), lane_y[lane], lane, len(days), radius(len(days)), when))
    out.append("</svg>")
    return "".join(out) if total or span is not None else ""


def _dot(x: float, y: float, stance: str, count: int, radius: float, when: str) -> str:
    noun = "position" if count == 1 else "positions"
    return (
        f'<circle class="dot {stance}" cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" '
        f'fill="{DOT_COLOURS[stance]}"><title>{escape(when)}: {count} {stance} {noun}'
        "</title></circle>"
    )
