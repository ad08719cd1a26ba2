"""Self-contained HTML for the notebook displays: escaped text, tables and one scoped style.

Every display is one ``<div class="neuralab-display">`` that carries its own ``<style>``
(every rule scoped by that class; no script, font or image from outside). Text and rules take
the page's colour (``color: inherit``, translucent grey borders, transparent backgrounds), so a
display reads on JupyterLab's light and dark themes alike. The markup is well-formed XML: every
tag closed, every attribute quoted, every user-given text escaped (``escape``).

Examples
--------
>>> table(["layer"], [["<b>"], [3]]).split("<tbody>")[1]
'<tr><td>&lt;b&gt;</td></tr><tr><td class="num">3</td></tr></tbody></table>'
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence

STATUS_COLOURS = {"ok": "#2e9e5b", "warn": "#b87d0f", "bad": "#d9463b", "info": "#3b7dd8"}
"""Mid-tone colours that read on white and on near-black backgrounds."""

STYLE = (
    ".neuralab-display{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
    "font-size:13px;line-height:1.45;color:inherit;background:transparent;max-width:100%;overflow-x:auto}"
    ".neuralab-display table{border-collapse:collapse;margin:4px 0 8px 0;color:inherit}"
    ".neuralab-display caption{text-align:left;font-weight:600;padding:2px 0 4px 0;color:inherit}"
    ".neuralab-display th,.neuralab-display td{padding:3px 10px;text-align:left;color:inherit;"
    "background:transparent;border:none;border-bottom:1px solid rgba(128,128,128,0.35)}"
    ".neuralab-display th{border-bottom:2px solid rgba(128,128,128,0.6);font-weight:600}"
    ".neuralab-display td.num,.neuralab-display th.num{text-align:right;"
    "font-variant-numeric:tabular-nums}"
    ".neuralab-display code,.neuralab-display .mono{font-family:ui-monospace,SFMono-Regular,Menlo,"
    "Consolas,monospace;font-size:12px}"
    ".neuralab-display .nl-title{font-weight:600;font-size:14px;margin:2px 0 4px 0}"
    ".neuralab-display .nl-note{opacity:0.8;margin:2px 0}"
    ".neuralab-display .nl-badge{display:inline-block;padding:0 8px;border-radius:9px;"
    "border:1px solid currentColor;font-weight:600;margin-right:6px}"
    ".neuralab-display .nl-figures{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}"
    ".neuralab-display svg{max-width:100%;height:auto}"
)


class Markup(str):
    """A fragment of HTML that is already safe: ``table`` and ``block`` do not escape it again."""


def escape(value: object) -> str:
    """``value`` as text safe inside HTML elements and quoted attributes (``& < > " '``)."""
    return html.escape(str(value), quote=True)


def number(value: float, digits: int = 5) -> str:
    """A float with ``digits`` significant digits ("nan" and "inf" as they are)."""
    value = float(value) + 0.0  # -0.0 reads as 0
    if not math.isfinite(value):
        return str(value)
    return f"{value:.{digits}g}"


def _cell(tag: str, value: object) -> str:
    if isinstance(value, Markup):
        return f"<{tag}>{value}</{tag}>"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = number(value) if isinstance(value, float) else str(value)
        return f'<{tag} class="num">{escape(text)}</{tag}>'
    return f"<{tag}>{escape(value)}</{tag}>"


def table(headers: Sequence[object], rows: Iterable[Sequence[object]], *, caption: str | None = None) -> str:
    """An HTML table; ints and floats are right-aligned (floats to 5 significant digits),
    strings escaped, ``Markup`` cells kept as they are."""
    head = "".join(_cell("th", header) for header in headers)
    body = "".join("<tr>" + "".join(_cell("td", cell) for cell in row) + "</tr>" for row in rows)
    top = f"<caption>{escape(caption)}</caption>" if caption else ""
    return f"<table>{top}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def badge(text: str, tone: str) -> str:
    """A small rounded label in the colour of ``tone`` ("ok", "warn", "bad" or "info")."""
    return f'<span class="nl-badge" style="color:{STATUS_COLOURS[tone]}">{escape(text)}</span>'


def block(*parts: str, title: str | None = None) -> str:
    """One display: the scoped style, an optional title, then ``parts`` (HTML) in order."""
    heading = f'<div class="nl-title">{escape(title)}</div>' if title else ""
    return f'<div class="neuralab-display"><style>{STYLE}</style>{heading}{"".join(parts)}</div>'


def paragraph(text: str, *, note: bool = False) -> str:
    """Escaped text in a paragraph (``note``: quieter)."""
    kind = ' class="nl-note"' if note else ""
    return f"<p{kind}>{escape(text)}</p>"


__all__ = ["STATUS_COLOURS", "STYLE", "Markup", "badge", "block", "escape", "number", "paragraph", "table"]
