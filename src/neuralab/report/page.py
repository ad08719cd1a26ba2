"""An HTML report page: what it holds (``Section``s of text, ``Table``s and figures) and
``write_report``, which writes it as one self-contained ``index.html`` (inline style, no
scripts, fonts or styles from the internet).

A ``Table`` is plain data: a caption, headers and rows of strings. The CLI renders it with
Rich, ``write_report`` as HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .._files import atomic_write
from ..errors import ValidationError


@dataclass
class Table:
    """A table as plain strings: ``rows`` each have one cell per header."""

    caption: str
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Section:
    """One part of the report: a title, an explanation, tables and figures (stems under figures/)."""

    key: str
    title: str
    text: str
    tables: list[Table] = field(default_factory=list)
    figures: list[tuple[str, str]] = field(default_factory=list)


_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 70em; margin: 2em auto;
       padding: 0 1em; color: #222; line-height: 1.45; }
h1 { border-bottom: 2px solid #335; padding-bottom: .2em; }
h2 { margin-top: 2em; color: #335; }
table { border-collapse: collapse; margin: 1em 0; font-size: .9em; }
caption { text-align: left; font-style: italic; padding-bottom: .3em; }
th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: #eef3fb; }
td { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
figure { margin: 1em 0; }
figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { font-size: .9em; color: #555; }
nav a { margin-right: 1em; }
.table-wrap { overflow-x: auto; max-width: 100%; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; background: #f3f3f3;
       padding: 0 .2em; }
"""


def _html_text(text: str) -> str:
    """Escaped text whose `backticked` words become <code> (the CLI shows them plain)."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))


def _html_table(table: Table) -> str:
    """The table as HTML, its caption's `backticked` words as <code>, in a scrolling wrapper."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in table.headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in table.rows
    )
    # In a scrolling wrapper: a wide table (a sweep's every run) must not widen the whole page.
    return (
        f'<div class="table-wrap"><table><caption>{_html_text(table.caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def _html_figure(stem: str, caption: str) -> str:
    """figures/<stem>.svg with its caption and links to the PNG and the SVG."""
    src = f"figures/{stem}.svg"
    return (
        f'<figure><img src="{src}" alt="{html.escape(caption)}">'
        f'<figcaption>{html.escape(caption)} (<a href="figures/{stem}.png">PNG</a>, '
        f'<a href="{src}">SVG</a>)</figcaption></figure>'
    )


def write_report(
    folder: str | Path,
    sections: Sequence[Section],
    *,
    title: str = "neuralab: the course, runnable",
    note: str = "",
) -> Path:
    """Write ``folder/index.html`` presenting ``sections`` in order; return its path.

    Figures are referenced as ``figures/<stem>.svg`` (and ``.png``); every referenced file
    must exist already.
    """
    folder = Path(folder)
    for section in sections:
        for stem, _ in section.figures:
            for suffix in (".svg", ".png"):
                if not (folder / "figures" / f"{stem}{suffix}").is_file():
                    raise ValidationError(
                        f"The figure figures/{stem}{suffix} does not exist in {folder}; "
                        "save it with plots.save_figure before writing the report."
                    )
    nav = "".join(f'<a href="#{s.key}">{html.escape(s.title)}</a>' for s in sections)
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>"
        f"<p>{_html_text(note)}</p><nav>{nav}</nav>"
    ]
    for section in sections:
        parts.append(f'<section id="{section.key}"><h2>{html.escape(section.title)}</h2>')
        parts.extend(f"<p>{_html_text(paragraph)}</p>" for paragraph in section.text.split("\n\n"))
        parts.extend(_html_table(t) for t in section.tables)
        parts.extend(_html_figure(stem, caption) for stem, caption in section.figures)
        parts.append("</section>")
    parts.append("</body></html>\n")
    path = folder / "index.html"
    with atomic_write(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(parts))
    return path
