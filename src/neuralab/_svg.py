"""Small SVG charts for the notebook displays: lines over epochs and bars per layer.

Written by hand (no matplotlib): a chart is a few kilobytes of well-formed XML, fast enough to
redraw a few times a second while a network trains, and its text and axes are drawn in
``currentColor``, so inside HTML they take the page's colour (light and dark themes). A
``standalone`` chart (``_repr_svg_``, which Jupyter shows as an image, where no page colour
reaches) paints its own white background and dark ink instead.

Values that are not finite are left out (a line breaks there); on a logarithmic axis so are
values <= 0. Every point's value is written in the chart's text (a tooltip ``<title>`` per bar,
the last value of each line in its legend).

Examples
--------
>>> svg = line_chart([Series("loss", [1, 2, 3], [0.5, 0.25, 0.125])], title="Loss")
>>> svg.startswith("<svg") and "loss 0.125" in svg
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._html import escape, number

PALETTE = ("#3b7dd8", "#d46f1c", "#2e9e5b", "#c0399b", "#8a6cd1", "#1a9a9a", "#b87d0f", "#d9463b")
"""Series colours, mid-tones that read on white and on near-black backgrounds."""

_LEFT, _RIGHT, _TOP, _BOTTOM = 58, 14, 40, 38


@dataclass(frozen=True)
class Series:
    """One line: ``y`` against ``x`` (same length), drawn in ``colour``, dashed if asked."""

    label: str
    x: Sequence[float]
    y: Sequence[float]
    colour: str = PALETTE[0]
    dashed: bool = False


def _nice_step(span: float, target: int = 4) -> float:
    raw = span / target
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1.0, 2.0, 2.5, 5.0, 10.0):
        if raw <= factor * power:
            return factor * power
    return 10.0 * power


def linear_ticks(low: float, high: float) -> list[float]:
    """Round tick values covering [low, high] (about 4 to 6 of them).

    >>> linear_ticks(0.0, 1.0)
    [0.0, 0.25, 0.5, 0.75, 1.0]
    """
    step = _nice_step(high - low)
    first = math.floor(low / step + 1e-9)
    last = math.ceil(high / step - 1e-9)
    return [round(index * step, 12) for index in range(first, last + 1)]


def log_ticks(low: float, high: float) -> list[float]:
    """Powers of ten covering [low, high] (every second, third... power when there are many).

    >>> log_ticks(0.003, 2.0)
    [0.001, 0.01, 0.1, 1.0, 10.0]
    """
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    stride = max(1, math.ceil((last - first) / 6))
    return [10.0**power for power in range(first, last + 1, stride)]


def _tick_label(value: float, log: bool) -> str:
    if log:
        power = round(math.log10(value))
        return f"1e{power}" if not 0 <= power <= 3 else f"{10**power:g}"
    return f"{value:.4g}"


def _usable(values: Sequence[float] | np.ndarray, log: bool) -> list[float]:
    array = np.asarray(values, dtype=float)
    keep = np.isfinite(array) & (array > 0 if log else True)
    kept = array[keep]
    return [] if kept.size == 0 else [float(kept.min()), float(kept.max())]  # all a range needs


def _frame(width: int, height: int, standalone: bool, label: str) -> str:
    paint = "background:#ffffff;color:#1f2328;" if standalone else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}" '
        f"style=\"{paint}font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:11px\">"
    )


class _Axes:
    """The mapping from data to pixels of one chart, and its drawn axes."""

    def __init__(
        self,
        width: int,
        height: int,
        x_range: tuple[float, float],
        y_range: tuple[float, float],
        log: bool,
        top: int = _TOP,
    ):
        self.width, self.height, self.log, self.top = width, height, log, top
        self.x0, self.x1 = x_range
        self.y0, self.y1 = (math.log10(y_range[0]), math.log10(y_range[1])) if log else y_range

    def px(self, x: Any) -> Any:
        """Pixel x of data x (a float or an array)."""
        span = self.x1 - self.x0
        return _LEFT + (x - self.x0) / span * (self.width - _LEFT - _RIGHT)

    def py(self, y: Any) -> Any:
        """Pixel y of data y (a float or an array); positive y on a logarithmic axis."""
        value = np.log10(y) if self.log else y
        span = self.y1 - self.y0
        return self.height - _BOTTOM - (value - self.y0) / span * (self.height - self.top - _BOTTOM)

    def draw(self, y_ticks: list[float], x_ticks: list[tuple[float, str]], x_label: str, y_label: str) -> str:
        left, right = _LEFT, self.width - _RIGHT
        top, bottom = self.top, self.height - _BOTTOM
        parts = [
            f'<g stroke="currentColor" stroke-opacity="0.45" fill="none">'
            f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}"/>'
            f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}"/></g>'
        ]
        for tick in y_ticks:
            y = self.py(tick)
            parts.append(
                f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="currentColor" '
                f'stroke-opacity="0.12"/><text x="{left - 5}" y="{y + 3.5:.1f}" text-anchor="end" '
                f'fill="currentColor">{escape(_tick_label(tick, self.log))}</text>'
            )
        for x, text in x_ticks:
            parts.append(
                f'<text x="{self.px(x):.1f}" y="{bottom + 14}" text-anchor="middle" '
                f'fill="currentColor">{escape(text)}</text>'
            )
        parts.append(
            f'<text x="{(left + right) / 2:.1f}" y="{self.height - 6}" text-anchor="middle" '
            f'fill="currentColor" fill-opacity="0.8">{escape(x_label)}</text>'
            f'<text x="12" y="{(top + bottom) / 2:.1f}" text-anchor="middle" fill="currentColor" '
            f'fill-opacity="0.8" transform="rotate(-90 12 {(top + bottom) / 2:.1f})">{escape(y_label)}</text>'
        )
        return "".join(parts)


def _title(title: str) -> str:
    style = 'fill="currentColor" font-size="13" font-weight="600"'
    return f'<text x="{_LEFT}" y="15" {style}>{escape(title)}</text>'


def _y_range(values: list[float], log: bool) -> tuple[tuple[float, float], list[float]]:
    low, high = (min(values), max(values)) if values else ((1.0, 10.0) if log else (0.0, 1.0))
    if log:
        ticks = log_ticks(low, high if high > low else low * 10)
        return (ticks[0], ticks[-1]), ticks
    if high == low:
        low, high = low - (abs(low) or 1.0) * 0.5, high + (abs(high) or 1.0) * 0.5
    ticks = linear_ticks(low, high)
    return (ticks[0], ticks[-1]), ticks


def _legend(series: Sequence[Series], width: int) -> tuple[str, int]:
    """Each line's label and last finite value, left to right in rows under the title."""
    parts, rows, left = [], 1, float(_LEFT)
    for line in series:
        y = np.asarray(line.y, dtype=float)
        finite = y[np.isfinite(y)]
        text = f"{line.label} {number(finite[-1], 4)}" if finite.size else f"{line.label} (no value)"
        size = 6.5 * len(text) + 14
        if left + size > width and left != _LEFT:
            rows, left = rows + 1, float(_LEFT)
        parts.append(
            f'<text x="{left:.0f}" y="{16 + 14 * rows}" fill="{line.colour}" '
            f'font-weight="600">{escape(text)}</text>'
        )
        left += size
    return "".join(parts), rows


def thin(px: np.ndarray, py: np.ndarray) -> np.ndarray:
    """The indices of the pixel points (``px`` in increasing order) to draw: at most 4 per pixel
    column, its first, highest, lowest and last, in x order. The line looks the same (a spike
    survives) and a fit of 100,000 epochs draws in a few hundred points, not 100,000.

    >>> px = np.arange(10_000) / 100  # 100 pixel columns of 100 points
    >>> py = (np.arange(10_000) % 7) * 1.0
    >>> kept = thin(px, py)
    >>> len(kept) <= 400, int(kept[0]), int(kept[-1]), set(py[kept]) >= {0.0, 6.0}
    (True, 0, 9999, True)
    """
    column = np.floor(px).astype(np.int64)
    starts = np.flatnonzero(np.r_[True, column[1:] != column[:-1]])
    if len(px) <= 4 * len(starts):
        return np.arange(len(px))
    group = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(px)]))
    kept = [starts, np.r_[starts[1:], len(px)] - 1]
    for extreme in (np.minimum, np.maximum):
        hits = np.flatnonzero(py == extreme.reduceat(py, starts)[group])
        kept.append(hits[np.r_[True, group[hits][1:] != group[hits][:-1]]])  # the first per column
    return np.unique(np.concatenate(kept))


def line_chart(
    series: Sequence[Series],
    *,
    title: str,
    x_label: str = "epoch",
    y_label: str = "",
    log_y: bool | None = None,
    width: int = 380,
    height: int = 230,
    standalone: bool = False,
) -> str:
    """Lines of ``series`` on one pair of axes; ``log_y`` None: logarithmic when every value is
    positive and they span more than two decades. The legend names each line with its last
    finite value."""
    ys = np.concatenate([np.asarray(s.y, dtype=float) for s in series]) if series else np.empty(0)
    every = ys[np.isfinite(ys)]
    if log_y is None:
        log_y = bool(every.size) and every.min() > 0 and every.max() / every.min() > 100
    values = _usable(ys, bool(log_y))
    xs = np.concatenate([np.asarray(s.x, dtype=float) for s in series]) if series else np.empty(0)
    x_low, x_high = (float(xs.min()), float(xs.max())) if xs.size else (0.0, 1.0)
    if x_high == x_low:
        x_low, x_high = x_low - 0.5, x_high + 0.5
    legend, rows = _legend(series, width)
    y_range, y_ticks = _y_range(values, log_y)
    axes = _Axes(width, height, (x_low, x_high), y_range, log_y, top=_TOP + 14 * (rows - 1))
    x_ticks = [(t, f"{t:g}") for t in linear_ticks(x_low, x_high) if x_low <= t <= x_high]
    parts = [
        _frame(width, height, standalone, title),
        _title(title),
        axes.draw(y_ticks, x_ticks, x_label, y_label),
        legend,
    ]
    for line in series:
        dash = ' stroke-dasharray="5 3"' if line.dashed else ""
        x, y = np.asarray(line.x, dtype=float), np.asarray(line.y, dtype=float)
        usable = np.isfinite(y) & (y > 0 if log_y else True)
        edges = np.flatnonzero(np.diff(np.r_[0, usable.astype(np.int8), 0]))  # runs of usable values
        for start, stop in zip(edges[::2], edges[1::2], strict=True):
            px = axes.px(x[start:stop])
            py = axes.py(y[start:stop])
            if stop - start == 1:
                parts.append(f'<circle cx="{px[0]:.1f}" cy="{py[0]:.1f}" r="2.5" fill="{line.colour}"/>')
                continue
            kept = thin(px, py)
            drawn = " ".join(
                f"{a:.1f},{b:.1f}" for a, b in zip(px[kept].tolist(), py[kept].tolist(), strict=True)
            )
            parts.append(
                f'<polyline points="{drawn}" fill="none" stroke="{line.colour}" stroke-width="2"{dash}/>'
            )
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    x_label: str = "",
    y_label: str = "",
    colours: Sequence[str] | None = None,
    log_y: bool = True,
    reference: Sequence[tuple[float, str]] = (),
    width: int = 380,
    height: int = 230,
    standalone: bool = False,
) -> str:
    """One bar per label (a tooltip gives its value); ``reference`` draws dashed horizontal
    lines (value, label), e.g. a threshold. On a logarithmic axis a bar of 0 is drawn as none
    and labelled "0"."""
    colours = list(colours) if colours is not None else [PALETTE[0]] * len(values)
    shown = _usable([*values, *(value for value, _ in reference)], log_y)
    y_range, y_ticks = _y_range(shown, log_y)
    n = max(len(values), 1)
    axes = _Axes(width, height, (0.0, float(n)), y_range, log_y)
    x_ticks = [(i + 0.5, str(label)) for i, label in enumerate(labels)]
    parts = [
        _frame(width, height, standalone, title),
        _title(title),
        axes.draw(y_ticks, x_ticks, x_label, y_label),
    ]
    base = height - _BOTTOM
    slot = (width - _LEFT - _RIGHT) / n
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        value = float(value)
        tip = f"<title>{escape(label)}: {escape(number(value, 4))}</title>"
        x = _LEFT + i * slot + slot * 0.15
        if not math.isfinite(value) or (log_y and value <= 0):
            mark = "0" if value == 0 else number(value)
            parts.append(
                f'<text x="{x + slot * 0.35:.1f}" y="{base - 4}" text-anchor="middle" '
                f'fill="currentColor">{escape(mark)}{tip}</text>'
            )
            continue
        top = min(max(axes.py(value), _TOP), base)
        parts.append(
            f'<rect x="{x:.1f}" y="{top:.1f}" width="{slot * 0.7:.1f}" height="{base - top:.1f}" '
            f'fill="{colours[i]}">{tip}</rect>'
        )
    shown_references = 0
    for value, label in reference:
        if not math.isfinite(value) or (log_y and value <= 0):
            continue
        y = axes.py(value)
        if not _TOP <= y <= base:
            continue
        # the line crosses the bars; its label sits above the plot, right of the title, so
        # no bar hides it (a second label one row higher)
        label_y = _TOP - 8 - 12 * shown_references
        shown_references += 1
        parts.append(
            f'<line x1="{_LEFT}" y1="{y:.1f}" x2="{width - _RIGHT}" y2="{y:.1f}" stroke="currentColor" '
            f'stroke-opacity="0.7" stroke-dasharray="4 3"/><text x="{width - _RIGHT}" y="{label_y}" '
            f'text-anchor="end" font-size="10" fill="currentColor" fill-opacity="0.85">- - - '
            f"{escape(label)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def row(charts: Sequence[str], *, width: int, height: int, label: str, standalone: bool = False) -> str:
    """Charts of ``width`` x ``height`` side by side in one SVG document (nested ``<svg>``)."""
    total = width * max(len(charts), 1)
    inner = "".join(f'<svg x="{index * width}" y="0"' + chart[4:] for index, chart in enumerate(charts))
    return _frame(total, height, standalone, label) + inner + "</svg>"


__all__ = ["PALETTE", "Series", "bar_chart", "line_chart", "linear_ticks", "log_ticks", "row", "thin"]
