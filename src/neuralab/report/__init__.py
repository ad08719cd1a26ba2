"""The course's tables (shared by the CLI and the report) and the HTML report of the tour.

A ``Table`` is plain data: a caption, headers and rows of strings. The CLI renders it with
Rich, ``write_report`` as HTML. ``run_tour(folder)`` runs every demonstration, saves the
figures as PNG and SVG under ``folder/figures`` and writes ``folder/index.html`` (one
self-contained page: inline style, no scripts, fonts or styles from the internet) and
``folder/results.json``.

One job per module: ``page`` (Section, Table, the HTML page), ``tables`` (the course's
tables), ``sections`` (the tour's text and sections), ``tour`` (``run_tour``: the runs, the
figures, the page, results.json) and ``folder`` (written whole or not at all).
"""

from .folder import REPORT_ENTRIES
from .page import Section, Table, write_report
from .sections import (
    care_text,
    initialisation_text,
    tour_sections,
    training_text,
    vanishing_text,
)
from .tables import (
    backprop_tables,
    compare_table,
    descent_table,
    gallery_table,
    training_table,
    vanishing_table,
)
from .tour import TourResult, TourSettings, run_tour

__all__ = [
    "REPORT_ENTRIES",
    "Section",
    "Table",
    "TourResult",
    "TourSettings",
    "backprop_tables",
    "care_text",
    "compare_table",
    "descent_table",
    "gallery_table",
    "initialisation_text",
    "run_tour",
    "tour_sections",
    "training_table",
    "training_text",
    "vanishing_table",
    "vanishing_text",
    "write_report",
]
