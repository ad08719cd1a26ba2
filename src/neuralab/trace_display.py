r"""A trace shown as the course writes it: the chain-rule table of every weight and bias (HTML)
and the same products as LaTeX. ``Trace._repr_html_`` and ``Trace._repr_latex_`` call these.

Each row is one partial derivative, its factors and their product. For a chain of single
neurons the factors are the whole chain, e.g. with the course's two sigmoid neurons:

    dE/dw1 = dE/da2 * da2/dz2 * dz2/da1 * da1/dz1 * dz1/dw1
           = -(T - a2) * a2 (1 - a2) * w2 * a1 (1 - a1) * x

For any other network each weight's row is the last step of the chain, taken from the values
the layers cached: dE/dw_ij = dE/da_j * f'(z_j) * x_i for one sample (x_i the input that
w_ij multiplies, dE/da_j what backpropagation brought from the layers above), and the sum of
those products over the samples for a batch. "engine" is the gradient the layer's own
``backward`` wrote; "updated" the parameter after one gradient-descent step.

Examples
--------
>>> import neuralab as nl
>>> from neuralab.trace import trace
>>> net = nl.Sequential([nl.Dense(1, "sigmoid", weights=[[0.15]], biases=[0.4]),
...                      nl.Dense(1, "sigmoid", weights=[[0.45]], biases=[0.65])], dtype="float64")
>>> t = trace(net, [[0.1]], [[0.25]], loss="half_squared_error", learning_rate=0.4)
>>> "0.0010214" in trace_html(t)
True
>>> print(trace_latex(t).splitlines()[3])
&= 0.46525 \times 0.20367 \times 0.45 \times 0.23954 \times 0.1 = 0.0010214 \\
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from . import _html

if TYPE_CHECKING:
    from .trace import Trace

MAX_ROWS = 400
"""Rows of the chain-rule table shown at most (a note counts the rest)."""

_DIGITS = 5


def _fmt(value: float) -> str:
    return _html.number(value, _DIGITS)


def _terms(products: list[tuple[float, ...]], shown: int = 4) -> str:
    """ "x × y + x × y" for up to ``shown`` samples, else how many products are summed."""
    if len(products) > shown:
        return f"{len(products)} products summed"
    return " + ".join(" × ".join(_fmt(v) for v in factors) for factors in products)


def chain_rows(t: Trace) -> list[tuple[str, str, str, float, float, float]]:
    """One row per weight and bias: (parameter, chain rule in symbols, factor values, product,
    engine gradient, updated value). Order: layer by layer, weights then biases."""
    rows = []
    if t.is_neuron_chain and all(layer.derivative is not None for layer in t.layers):
        for product in t.partials():
            layer = t.layers[int(product.parameter[1:]) - 1]
            updated = (
                layer.new_weights[0][0] if product.parameter[0] == "w" else (layer.new_biases or [0.0])[0]
            )
            names = " * ".join(f.name for f in product.factors)
            symbols = " * ".join(f.symbol for f in product.factors)
            values = " × ".join(_fmt(f.value) for f in product.factors)
            rows.append(
                (
                    f"dE/d{product.parameter}",
                    f"{names} = {symbols}",
                    values,
                    product.value,
                    product.engine_value,
                    updated,
                )
            )
        return rows
    samples = len(t.inputs)
    for layer in t.layers:
        k = layer.index
        previous = "x" if k == 1 else f"a{k - 1}"
        derivative = layer.derivative
        for i, weight_row in enumerate(layer.grad_weights):
            for j, engine in enumerate(weight_row):
                name = f"dE/dW{k}[{i + 1},{j + 1}]"
                if samples == 1 and derivative is not None:
                    factors = [layer.grad_a[0][j], derivative[0][j], layer.inputs[0][i]]
                    symbols = f"dE/da{k}_{j + 1} * f'(z{k}_{j + 1}) * {previous}_{i + 1}"
                    values = " × ".join(_fmt(v) for v in factors)
                    product = factors[0] * factors[1] * factors[2]
                else:
                    product = sum(layer.inputs[n][i] * layer.grad_z[n][j] for n in range(samples))
                    symbols = f"sum over {samples} samples of {previous}_{i + 1} * dE/dz{k}_{j + 1}"
                    values = _terms([(layer.inputs[n][i], layer.grad_z[n][j]) for n in range(samples)])
                rows.append((name, symbols, values, product, engine, layer.new_weights[i][j]))
        if layer.grad_biases is not None and layer.new_biases is not None:
            for j, engine in enumerate(layer.grad_biases):
                product = sum(layer.grad_z[n][j] for n in range(samples))
                if samples == 1 and derivative is not None:
                    symbols = f"dE/da{k}_{j + 1} * f'(z{k}_{j + 1}) * 1"
                    values = f"{_fmt(layer.grad_a[0][j])} × {_fmt(derivative[0][j])} × 1"
                else:
                    symbols = f"sum over {samples} sample(s) of dE/dz{k}_{j + 1}"
                    values = _terms([(layer.grad_z[n][j],) for n in range(samples)])
                rows.append((f"dE/db{k}[{j + 1}]", symbols, values, product, engine, layer.new_biases[j]))
    return rows


def _rule(rule: str) -> str:
    """The chain rule's names and its symbols on two lines (escaped)."""
    names, _, symbols = rule.partition(" = ")
    return _html.escape(names) + (f"<br/>= {_html.escape(symbols)}" if symbols else "")


def trace_html(t: Trace, max_rows: int = MAX_ROWS) -> str:
    """The trace as HTML: the error, the forward values per layer, then the chain-rule table."""
    samples = len(t.inputs)
    head = _html.paragraph(
        f"{t.loss_formula} = {_fmt(t.loss)} over {samples} sample{'s' * (samples != 1)}; "
        f"one gradient-descent step with learning rate {t.learning_rate:g}: new = old - "
        f"{t.learning_rate:g} × dE/d(parameter)."
    )
    forward = _html.table(
        ["Layer", "Activation", "z (first sample)", "a (first sample)"],
        [
            (
                str(layer.index),
                layer.activation,
                ", ".join(_fmt(v) for v in layer.z[0]),
                ", ".join(_fmt(v) for v in layer.a[0]),
            )
            for layer in t.layers
        ],
        caption="Forward pass",
    )
    rows = chain_rows(t)
    chain = _html.table(
        ["Parameter", "Chain rule", "Factors", "Product", "Engine (backward)", "Updated"],
        [
            (name, _html.Markup(f'<span class="mono">{_rule(rule)}</span>'), values, *numbers)
            for name, rule, values, *numbers in rows[:max_rows]
        ],
        caption="Backward pass: every weight and bias",
    )
    parts = [head, forward, chain]
    if len(rows) > max_rows:
        parts.append(_html.paragraph(f"... and {len(rows) - max_rows} more parameters.", note=True))
    return _html.block(*parts, title="Trace of one forward and backward pass")


def _latex_symbols(text: str) -> str:
    """ "a2 (1 - a2) * w2" -> "a_{2} (1 - a_{2}) \\cdot w_{2}"."""
    text = re.sub(r"\b([a-zA-Z])(\d+)\b", r"\1_{\2}", text)
    return text.replace(" * ", r" \cdot ").replace("^2", "^{2}")


def trace_latex(t: Trace) -> str:
    r"""The chain-rule products as LaTeX (``align*``-style ``aligned`` block): for a chain of
    single neurons each dE/dw and dE/db with its factors, their values and the product; for
    other networks each layer's dE/dW = x^T dE/dz with the gradient's norm."""
    lines = [r"$$", r"\begin{aligned}"]
    if t.is_neuron_chain and all(layer.derivative is not None for layer in t.layers):
        for product in t.partials():
            parameter = _latex_symbols(product.parameter)
            symbols = _latex_symbols(" * ".join(f.symbol for f in product.factors))
            values = r" \times ".join(_fmt(f.value) for f in product.factors)
            lines.append(rf"\frac{{\partial E}}{{\partial {parameter}}} &= {symbols} \\")
            lines.append(rf"&= {values} = {_fmt(product.value)} \\")
    else:
        for layer in t.layers:
            k = layer.index
            previous = "x" if k == 1 else f"a_{{{k - 1}}}"
            norm = sum(v * v for row in layer.grad_weights for v in row) ** 0.5
            lines.append(
                rf"\frac{{\partial E}}{{\partial W_{{{k}}}}} &= {previous}^T \, "
                rf"\frac{{\partial E}}{{\partial z_{{{k}}}}}, \quad "
                rf"\left\lVert \frac{{\partial E}}{{\partial W_{{{k}}}}} \right\rVert = {_fmt(norm)} \\"
            )
    lines += [r"\end{aligned}", r"$$"]
    return "\n".join(lines)


__all__ = ["MAX_ROWS", "chain_rows", "trace_html", "trace_latex"]
