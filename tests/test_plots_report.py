"""Figures are matplotlib Figures saved as PNG and SVG; the report page links only to what exists."""

from __future__ import annotations

import re

import numpy as np
import pytest
from matplotlib.figure import Figure

import neuralab as nl
from neuralab import experiments, plots
from neuralab.diagnostics import GradientMonitor
from neuralab.report import Section, Table, descent_table, write_report


def _saved(figure, folder, stem):
    paths = plots.save_figure(figure, folder, stem)
    png, svg = paths
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in svg.read_bytes()[:500]
    return paths


def test_each_plot_returns_a_figure_and_saves(tmp_path):
    monitors = {}
    vanishing = experiments.vanishing(
        activations=("sigmoid", "relu"),
        depth=3,
        width=4,
        epochs=1,
        dataset="breast_cancer",
        monitors=monitors,
    )
    network = nl.Sequential([nl.Dense(4, "relu"), nl.Dense(1, "sigmoid")])
    X = np.random.default_rng(0).normal(size=(20, 2))
    history = network.fit(
        X,
        (X[:, 0] > 0).astype(float),
        loss="binary_cross_entropy",
        optimizer=nl.SGD(0.1),
        epochs=2,
        seed=0,
        validation_split=0.25,
    )
    figures = {
        "history": plots.plot_history(history),
        "relu": plots.plot_activation("relu"),
        "softmax": plots.plot_activation("softmax"),
        "gallery": plots.plot_gallery(experiments.activation_gallery(points=21)),
        "descent": plots.plot_descent(experiments.descent()),
        "compare": plots.plot_descent(experiments.compare_learning_rates()),
        "flow": plots.plot_gradient_flow(vanishing),
        "flow_monitor": plots.plot_gradient_flow(monitors["relu"], epoch=1),
        "flow_dict": plots.plot_gradient_flow(monitors),
        "losses": plots.plot_loss_curves(vanishing),
        "backprop": plots.plot_backprop(experiments.backprop()),
    }
    for stem, figure in figures.items():
        assert isinstance(figure, Figure)
        _saved(figure, tmp_path, stem)
    assert len(list(tmp_path.glob("*.svg"))) == len(figures)


def test_descent_figures_and_table_of_diverged_runs(tmp_path):
    for learning_rate in (1.8, 1e308):  # J grows past the limit; w overflows to inf
        result = experiments.descent(learning_rate=learning_rate, steps=30)
        assert result.diverged_at_epoch is not None
        _saved(plots.plot_descent(result), tmp_path, f"descent_{learning_rate:g}")
        rows = descent_table(result).rows
        assert len(rows) == len(result.w)
        assert rows[-1][2] == ("nan" if learning_rate > 2 else "23803.8")
    table = descent_table(experiments.descent(w0=2.0))
    assert [row[4] for row in table.rows] == ["0", "-"] and all("-0" not in row for row in table.rows)


def test_plot_errors_name_the_expected_input():
    with pytest.raises(nl.ValidationError, match="History"):
        plots.plot_history([1, 2])
    with pytest.raises(nl.UnknownNameError):
        plots.plot_activation("swish")
    monitor = GradientMonitor(np.zeros((1, 1)), np.zeros((1, 1)))
    with pytest.raises(nl.ValidationError, match="Nothing was recorded"):
        plots.plot_gradient_flow(monitor)


def test_report_page_is_offline_and_links_resolve(tmp_path):
    _saved(plots.plot_descent(experiments.descent()), tmp_path / "figures", "descent")
    section = Section(
        "descent",
        "Descent",
        "First paragraph with `neuralab tour`.\n\nSecond <b>escaped</b>.",
        [descent_table(experiments.descent(steps=3)), Table("t", ["a"], [["<x>"]])],
        [("descent", "The parabola")],
    )
    index = write_report(tmp_path, [section])
    page = index.read_text()
    assert "&lt;b&gt;escaped" in page and "&lt;x&gt;" in page
    assert "<code>neuralab tour</code>" in page and "`" not in page  # backticks become code
    assert page.count('<div class="table-wrap"><table>') == 2  # wide tables scroll, the page does not
    assert "<script" not in page and "http://" not in page and "https://" not in page
    links = re.findall(r'(?:src|href)="([^"#]+)"', page)
    assert set(links) == {"figures/descent.svg", "figures/descent.png"}
    assert all((tmp_path / link).is_file() for link in links)
    missing = Section("x", "X", "text", [], [("absent", "no such figure")])
    with pytest.raises(nl.ValidationError, match="absent"):
        write_report(tmp_path, [missing])
