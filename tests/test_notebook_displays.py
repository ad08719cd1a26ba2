"""The notebook's rich displays (``_repr_html_``, ``_repr_svg_``, ``_repr_latex_``): their numbers are
the engine's (the course's worked example by hand), user text is escaped, and every display is
well-formed XML with nothing loaded from outside."""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import neuralab as nl
from neuralab import _svg
from neuralab.activations import Activation
from neuralab.data import Table
from neuralab.trace import trace
from neuralab.trace_display import chain_rows

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    """The display parsed as XML (fails on any unclosed tag or unescaped text), checked to load
    nothing from outside: no script, no link, no external reference."""
    root = ET.fromstring(markup)
    for element in root.iter():
        tag = element.tag.split("}")[-1]
        assert tag not in ("script", "link", "img", "iframe", "object"), tag
        for name, value in element.attrib.items():
            assert name not in ("src", "href") and not name.startswith("on"), (name, value)
            assert "url(" not in value and "javascript:" not in value, value
    assert "@import" not in markup and "url(" not in markup
    return root


def text_of(element: ET.Element) -> str:
    return "".join(element.itertext())


def table_rows(root: ET.Element, caption: str | None = None) -> list[list[str]]:
    for table in root.iter("table"):
        found = table.find("caption")
        if caption is None or (found is not None and text_of(found) == caption):
            return [[text_of(cell) for cell in row] for row in table.iter("tr")]
    raise AssertionError(f"no table {caption!r}")


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def course_trace():
    """The course's two sigmoid neurons: x = 0.1, w1 = 0.15, b1 = 0.4, w2 = 0.45, b2 = 0.65, T = 0.25."""
    net = nl.Sequential(
        [
            nl.Dense(1, "sigmoid", weights=[[0.15]], biases=[0.4]),
            nl.Dense(1, "sigmoid", weights=[[0.45]], biases=[0.65]),
        ],
        dtype="float64",
    )
    return trace(net, [[0.1]], [[0.25]], loss="half_squared_error", learning_rate=0.4)


# -- trace ------------------------------------------------------------------------------------
def test_the_course_trace_table_shows_dE_dw1_with_its_factors_by_hand():
    a1 = sigmoid(0.1 * 0.15 + 0.4)  # 0.60229
    a2 = sigmoid(0.45 * a1 + 0.65)  # 0.71525
    factors = [-(0.25 - a2), a2 * (1 - a2), 0.45, a1 * (1 - a1), 0.1]
    by_hand = math.prod(factors)
    assert f"{by_hand:.5g}" == "0.0010214"  # the course's number

    root = parse(course_trace()._repr_html_())
    rows = table_rows(root, "Backward pass: every weight and bias")
    assert rows[0] == ["Parameter", "Chain rule", "Factors", "Product", "Engine (backward)", "Updated"]
    by_name = {row[0]: row for row in rows[1:]}
    assert list(by_name) == ["dE/dw1", "dE/db1", "dE/dw2", "dE/db2"]
    _name, rule, shown, product, engine, updated = by_name["dE/dw1"]
    assert rule.endswith("-(T - a2) * a2 (1 - a2) * w2 * a1 (1 - a1) * x")
    assert shown.split(" × ") == [f"{value:.5g}" for value in factors]
    assert product == engine == "0.0010214"
    assert updated == f"{0.15 - 0.4 * by_hand:.5g}"  # one gradient-descent step, learning rate 0.4
    # dE/dw2 = -(T - a2) a2 (1 - a2) a1 (the notes' formula for the second neuron)
    assert by_name["dE/dw2"][3] == f"{-(0.25 - a2) * a2 * (1 - a2) * a1:.5g}"


def test_the_course_trace_as_latex():
    latex = course_trace()._repr_latex_()
    assert latex.startswith("$$") and latex.endswith("$$")
    assert r"\frac{\partial E}{\partial w_{1}} &= -(T - a_{2}) \cdot a_{2} (1 - a_{2}) \cdot w_{2}" in latex
    assert r"0.46525 \times 0.20367 \times 0.45 \times 0.23954 \times 0.1 = 0.0010214" in latex
    assert latex.count(r"\frac{\partial E}") == 4  # w1, b1, w2, b2


@pytest.mark.parametrize("samples", [1, 4])
def test_every_weight_and_bias_of_a_wider_network_has_a_row_whose_product_is_the_engines(samples):
    rng = np.random.default_rng(3)
    net = nl.Sequential([nl.Dense(3, "tanh", input_dim=2), nl.Dense(2, "sigmoid")], dtype="float64")
    net.build(2, seed=3)
    X, T = rng.normal(size=(samples, 2)), rng.uniform(size=(samples, 2))
    t = trace(net, X, T)
    rows = chain_rows(t)
    assert len(rows) == net.count_parameters() == 2 * 3 + 3 + 3 * 2 + 2
    gradients = nl.loss_and_gradients(net, "half_squared_error", X, T, training=False).gradients
    engine = np.concatenate([gradients[name].ravel() for name in gradients])
    np.testing.assert_allclose([row[3] for row in rows], engine, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose([row[4] for row in rows], engine, rtol=1e-12, atol=1e-15)
    html_rows = table_rows(parse(t._repr_html_()), "Backward pass: every weight and bias")[1:]
    assert [row[0] for row in html_rows][:2] == ["dE/dW1[1,1]", "dE/dW1[1,2]"]
    assert len(html_rows) == len(rows)
    # the factors shown multiply to the product: dE/da * f'(z) * x for one sample; a sum of
    # x * dE/dz (or of dE/dz for a bias) over the samples of a batch
    for row in rows:
        terms = [math.prod(float(v) for v in term.split(" × ")) for term in row[2].split(" + ")]
        assert len(terms) == (1 if samples == 1 else samples)
        # each factor is shown to 5 significant digits (off by at most 5e-5 of itself), so a term
        # of up to 3 factors is off by at most 1.5e-4 of itself
        assert abs(sum(terms) - row[3]) <= 1.5e-4 * sum(abs(term) for term in terms) + 1e-15


# -- Sequential and Model ---------------------------------------------------------------------
def test_sequential_html_table_lists_every_layer_with_units_activation_and_parameters():
    net = nl.Sequential([nl.Dense(3, "sigmoid", input_dim=2), nl.Dropout(0.25), nl.Dense(1, "linear")])
    root = parse(net._repr_html_())
    rows = table_rows(root)
    assert rows == [
        ["Layer", "Units", "Activation", "Output shape", "Parameters"],
        ["1: Dense", "3", "sigmoid", "(None, 3)", "9"],  # 2 x 3 weights + 3 biases
        ["2: Dropout", "3", "rate 0.25", "(None, 3)", "0"],
        ["3: Dense", "1", "linear", "(None, 1)", "4"],
    ]
    assert "Total parameters: 13" in text_of(root)
    unbuilt = table_rows(parse(nl.Sequential([nl.Dense(4, "relu")])._repr_html_()))
    assert unbuilt[1][-1] == "?"


class Odd(Activation):
    """An activation whose (user-chosen) name is markup."""

    name = "<script>alert('x')</script>&"

    def forward(self, z):
        return z

    def derivative(self, z):
        return np.ones_like(z)


def test_user_names_are_escaped_in_every_display():
    net = nl.Sequential([nl.Dense(2, Odd(), input_dim=1), nl.Dense(1)])
    markup = net._repr_html_()
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    assert Odd.name in text_of(parse(markup))  # shown as the text it is

    X = np.linspace(-1, 1, 30).reshape(-1, 1)
    table = Table.from_arrays(X, np.where(X[:, 0] > 0, "up<b>", "a&b"), target_name='si"de</td>')
    model = nl.Model.for_data(table, 'si"de</td>', hidden=(3,))
    root = parse(model._repr_html_())
    facts = dict(row for row in table_rows(root, "Model")[1:])
    assert facts["target"] == 'si"de</td>' and facts["classes"] == "a&b, up<b>"
    assert facts["trained"] == "not fitted"

    history = nl.History(epoch=[1, 2], loss=[1.0, 0.5], extra={"<i>acc": [0.5, 0.75]})
    for display in (history._repr_html_(), history._repr_svg_()):
        root = parse(display)
        assert "<i>acc 0.75" in text_of(root)


def test_model_html_shows_task_network_and_each_inputs_scaling():
    rng = np.random.default_rng(0)
    X = rng.normal(loc=[3.0, -1.0], scale=[2.0, 0.5], size=(60, 2))
    table = Table.from_arrays(X, X[:, 0] - X[:, 1], feature_names=["size", "cost"], target_name="price")
    model = nl.Model.for_data(table, "price", hidden=(4,))
    model.fit(table, epochs=3, seed=0)
    root = parse(model._repr_html_())
    facts = dict(row for row in table_rows(root, "Model")[1:])
    assert facts["task"].startswith("regression") and facts["trained"] == "3 epochs"
    network = table_rows(root, "Network")
    assert network[1] == ["1: Dense", "4", "relu", "(None, 4)", "12"]
    scaling = table_rows(root, "Scaling: each of the 2 inputs enters as (x - mean) / std")
    assert [row[0] for row in scaling[1:]] == ["size", "cost"]
    np.testing.assert_allclose([float(row[2]) for row in scaling[1:]], X.mean(axis=0), rtol=1e-4)
    np.testing.assert_allclose([float(row[3]) for row in scaling[1:]], X.std(axis=0), rtol=1e-4)


# -- History ----------------------------------------------------------------------------------
def fitted_history():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(80, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(float)
    net = nl.Sequential([nl.Dense(6, "tanh"), nl.Dense(6, "tanh"), nl.Dense(1, "sigmoid")])
    return net.fit(
        X, y, loss="binary_cross_entropy", optimizer=nl.Adam(0.05), epochs=25, seed=1, validation_split=0.25
    )


def polyline_points(chart: ET.Element) -> list[list[tuple[float, float]]]:
    return [
        [tuple(map(float, pair.split(","))) for pair in line.attrib["points"].split()]
        for line in chart.iter(f"{SVG}polyline")
    ]


def test_history_figure_draws_training_and_validation_loss_per_epoch():
    history = fitted_history()
    svg = parse(history._repr_svg_())
    assert svg.tag == f"{SVG}svg" and "background:#ffffff" in svg.attrib["style"]  # an image: its own paper
    charts = svg.findall(f"{SVG}svg")
    assert len(charts) == 2  # loss, gradient flow (the learning rate did not change)
    legend = text_of(charts[0])
    assert f"loss {history.loss[-1]:.4g}" in legend and f"val_loss {history.val_loss[-1]:.4g}" in legend
    train, validation = polyline_points(charts[0])
    assert len(train) == len(validation) == history.epochs_run == 25
    # x grows with the epoch; y in pixels runs opposite to the loss (up is smaller pixels)
    assert all(b[0] > a[0] for a, b in itertools.pairwise(train))
    order = np.argsort([p[1] for p in train])
    assert (np.diff(np.asarray(history.loss)[order]) <= 1e-12).all()
    assert len(polyline_points(charts[1])) == 3  # one line per layer's gradient norm

    html = parse(history._repr_html_())
    assert "25 epochs" in text_of(html) and "stopped by: epochs" in text_of(html)
    assert "background" not in "".join(e.attrib.get("style", "") for e in html.iter(f"{SVG}svg"))


def test_history_figure_leaves_out_non_finite_values_and_shows_an_empty_history():
    history = nl.History(epoch=[1, 2, 3, 4], loss=[1.0, float("nan"), 0.5, 0.25])
    lines = polyline_points(parse(history._repr_svg_()).find(f"{SVG}svg"))
    assert [len(line) for line in lines] == [2]  # epochs 3-4; epoch 1 alone is a dot
    assert "No epoch recorded yet." in text_of(parse(nl.History()._repr_html_()))
    assert "loss (no value)" in text_of(parse(nl.History()._repr_svg_()))


# -- diagnosis --------------------------------------------------------------------------------
def test_diagnosis_shows_status_bars_per_layer_and_advice():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(200, 8)), rng.integers(0, 3, size=200)
    net = nl.Sequential([nl.Dense(16, "sigmoid") for _ in range(8)] + [nl.Dense(3, "softmax")])
    monitor = nl.GradientMonitor(X, y)
    net.fit(X, y, loss="cross_entropy", optimizer=nl.SGD(0.1), epochs=1, seed=0, callbacks=[monitor])
    diagnosis = nl.diagnose(monitor)
    assert diagnosis.status == "vanishing"
    root = parse(diagnosis._repr_html_())
    words = text_of(root)
    assert "vanishing" in words and diagnosis.advice in words
    bars = list(root.iter(f"{SVG}rect"))
    assert len(bars) == 9
    tips = [text_of(bar.find(f"{SVG}title")) for bar in bars]
    assert tips == [f"{i + 1}: {norm:.4g}" for i, norm in enumerate(diagnosis.gradient_norms)]
    output = diagnosis.gradient_norms[-1]
    red = [bar.attrib["fill"] == "#d9463b" for bar in bars]
    assert red == [norm / output < 1e-3 for norm in diagnosis.gradient_norms]
    assert any(red) and not all(red)
    rows = table_rows(root)
    assert [float(row[1]) for row in rows[1:]] == pytest.approx(diagnosis.gradient_norms, rel=1e-4)


# -- the chart helpers ------------------------------------------------------------------------
def test_log_axis_ticks_cover_the_values_and_lines_break_at_gaps():
    assert _svg.log_ticks(2e-6, 0.3) == pytest.approx([1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0])
    assert _svg.linear_ticks(-0.3, 1.1) == pytest.approx([-0.5, 0.0, 0.5, 1.0, 1.5])
    chart = _svg.line_chart(
        [_svg.Series("g", [1, 2, 3, 4, 5], [1e-3, 1e-2, 0.0, 1e-1, 1.0])], title="t", log_y=True
    )
    assert [len(line) for line in polyline_points(parse(chart))] == [2, 2]  # 0 has no logarithm
    assert re.search(r">1e-3<", chart) and re.search(r">1<", chart)


def test_model_html_names_each_one_hot_input_with_its_columns_kind(tmp_path):
    from neuralab.data import read_csv

    rows = ["size=m,colour,price"] + [f"{i % 7},{'red' if i % 3 else 'blue'},{i * 1.5}" for i in range(30)]
    (tmp_path / "shop.csv").write_text("\n".join(rows) + "\n")
    model = nl.Model.for_data(read_csv(tmp_path / "shop.csv"), "price", hidden=(3,))
    scaling = table_rows(
        parse(model._repr_html_()), "Scaling: each of the 3 inputs enters as (x - mean) / std"
    )
    assert [row[:2] for row in scaling[1:]] == [
        ["size=m", "numeric"],  # a column whose own name holds "="
        ["colour=blue", "categorical"],
        ["colour=red", "categorical"],
    ]
    assert float(scaling[2][2]) == pytest.approx(10 / 30, rel=1e-4)  # the share of blue rows


def test_a_long_history_draws_a_few_hundred_points_and_keeps_its_spike():
    epochs = 100_000
    loss = list(np.linspace(1.0, 0.1, epochs))
    loss[61_234] = 5.0  # one overshooting epoch
    chart = parse(nl.History(epoch=list(range(1, epochs + 1)), loss=loss)._repr_svg_()).find(f"{SVG}svg")
    (line,) = polyline_points(chart)
    assert len(line) <= 4 * 380  # at most 4 points per pixel column of the 380 px chart
    # the axis runs 0..6 (ticks 0, 2, 4, 6) over the pixels y = 192 (bottom) .. 40 (top): the
    # spike of 5.0 is the one point drawn at 192 - 5/6 * 152 = 65.3; the rest lie below 1.0
    assert [round(y, 1) for _, y in line if y < 150] == [65.3]
    assert line[0][0] == 58.0 and line[-1][0] == 380 - 14  # first and last epoch at the plot's edges
