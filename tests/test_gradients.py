"""Backpropagation through whole networks, checked against independent numbers.

1. Central finite differences in float64, dE/dp ~ (E(p + h) - E(p - h)) / 2h, for every
   weight and bias (``named_parameters()``) and for the inputs (``Sequential.backward``
   returns dE/dX), with the combined tolerance |a - b| <= 1e-6 (|a| + |b|) + 1e-9.
2. PyTorch autograd on the same network, rebuilt from our weights (float64 to 1e-10,
   float32 to 1e-4 relative).

The analytic gradient is computed the way ``fit`` computes it: forward, then the loss's
fused dE/dz (``preactivation_gradient``, ``from_preactivation=True``) when the loss
requires an output activation, else dE/da (``gradient``).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from tests import finite_differences

import neuralab as nl

H = 1e-5  # finite-difference step: truncation ~ h^2 f'''/6 ~ 1e-11, round-off ~ eps |E| / h ~ 1e-10
KINK_MARGIN = 1e-3  # relu/leaky_relu pre-activations at least 100 h away from the kink at 0

HIDDEN_ACTIVATIONS = {
    "sigmoid": lambda: nl.Sigmoid(),
    "tanh": lambda: nl.Tanh(),
    "relu": lambda: nl.ReLU(),
    "leaky_relu": lambda: nl.LeakyReLU(),
    "leaky_relu_0.2": lambda: nl.LeakyReLU(alpha=0.2),
    "linear": lambda: nl.Linear(),
    "softmax": lambda: nl.Softmax(),
}
KINKED = ("relu", "leaky_relu")

# Every valid (output activation, loss, target kind) pair.
OUTPUT_LOSS_PAIRS = [
    ("linear", "sum_squared_error", "real"),
    ("linear", "half_squared_error", "real"),
    ("linear", "mse", "real"),
    ("sigmoid", "mse", "unit"),
    ("sigmoid", "binary_cross_entropy", "unit"),
    ("tanh", "mse", "real"),
    ("softmax", "cross_entropy", "indices"),
    ("softmax", "cross_entropy", "one_hot"),
]
PAIR_IDS = [f"{out}-{loss}-{kind}" for out, loss, kind in OUTPUT_LOSS_PAIRS]


# -- helpers -----------------------------------------------------------------------------
def make_network(n_inputs, hidden, output, n_outputs, seed, dtype="float64"):
    """A Sequential with random weights *and* biases drawn from ``seed``.

    ``hidden`` is a list of (units, activation key); ``output`` the output activation name.
    """
    rng = np.random.default_rng(seed)
    layers, fan_in = [], n_inputs
    for units, key in [*hidden, (n_outputs, output)]:
        activation = HIDDEN_ACTIVATIONS[key]() if key in HIDDEN_ACTIVATIONS else key
        weights = rng.normal(0.0, 1.2 / np.sqrt(fan_in), size=(fan_in, units))
        biases = rng.normal(0.0, 0.5, size=units)
        layers.append(nl.Dense(units, activation, weights=weights, biases=biases))
        fan_in = units
    return nl.Sequential(layers, dtype=dtype)


def make_data(n_inputs, n_outputs, batch, target_kind, seed):
    rng = np.random.default_rng(seed + 1)
    X = rng.normal(0.0, 1.0, size=(batch, n_inputs))
    if target_kind == "real":
        y = rng.normal(0.0, 1.0, size=(batch, n_outputs))
    elif target_kind == "unit":
        y = rng.uniform(0.0, 1.0, size=(batch, n_outputs))
    elif target_kind == "indices":
        y = rng.integers(0, n_outputs, size=batch)
    else:
        y = np.eye(n_outputs)[rng.integers(0, n_outputs, size=batch)]
    return X, y


def preactivations(network, X):
    """z of every layer by an independent forward pass from the public weights."""
    zs, a = [], X
    for layer in network.layers:
        z = a @ layer.weights + layer.biases
        zs.append(z)
        a = layer.activation(z)
    return zs


def kink_distance(network, X):
    """Smallest |z| over the layers whose activation has a kink at 0 (inf if none)."""
    gaps = [
        np.abs(z).min()
        for layer, z in zip(network.layers, preactivations(network, X), strict=True)
        if layer.activation.name in KINKED
    ]
    return min(gaps, default=np.inf)


def analytic_gradients(network, X, target, loss, *, fused=None):
    """Forward + backward as ``fit`` does; returns ({name: dE/dp}, dE/dX)."""
    if fused is None:
        fused = loss.output_activation is not None
    output = network.forward(X)
    if fused:
        grad_x = network.backward(loss.preactivation_gradient(output, target), from_preactivation=True)
    else:
        grad_x = network.backward(loss.gradient(output, target))
    return {name: g.copy() for name, _, g in network.named_parameters()}, grad_x


def numeric_gradient(array, energy):
    """Central differences of ``energy()`` with respect to every entry of ``array`` (in place)."""
    return finite_differences.numeric_gradient(array, energy, step=H)


def assert_close(analytic, numeric, what, atol=1e-9):
    bound = 1e-6 * (np.abs(analytic) + np.abs(numeric)) + atol
    excess = np.abs(analytic - numeric) - bound
    assert np.all(excess <= 0), (
        f"{what}: analytic and finite-difference gradients differ; worst excess {excess.max():.3g}\n"
        f"analytic={analytic}\nnumeric={numeric}"
    )


def check_network(network, X, y, loss_name):
    loss = network.check_loss(loss_name)
    target = loss.prepare_target(y, network.output_dim, network.dtype)
    grads, grad_x = analytic_gradients(network, X, target, loss)

    def energy():
        return loss.value(network.forward(X), target)

    # Central differences lose about eps * |E| / H to round-off (2e-10 per unit of loss at
    # H = 1e-6): the absolute floor grows with the loss, so a large loss is no false alarm.
    atol = 1e-9 * max(1.0, abs(energy()))
    for name, parameter, _ in network.named_parameters():
        assert_close(grads[name], numeric_gradient(parameter, energy), name, atol)
    X_work = X.copy()
    assert_close(
        grad_x, numeric_gradient(X_work, lambda: loss.value(network.forward(X_work), target)), "dE/dX", atol
    )

    if loss.output_activation is not None:  # the unfused chain rule reaches the same numbers
        unfused, unfused_x = analytic_gradients(network, X, target, loss, fused=False)
        for name in grads:
            np.testing.assert_allclose(unfused[name], grads[name], rtol=1e-9, atol=1e-12, err_msg=name)
        np.testing.assert_allclose(unfused_x, grad_x, rtol=1e-9, atol=1e-12)
    return grads


# -- finite differences ------------------------------------------------------------------
@st.composite
def architectures(draw, output, loss_name):
    depth = draw(st.integers(1, 5))
    hidden = [
        (draw(st.integers(1, 6)), draw(st.sampled_from(sorted(HIDDEN_ACTIVATIONS)))) for _ in range(depth - 1)
    ]
    n_outputs = draw(st.integers(2, 4)) if output == "softmax" else draw(st.integers(1, 3))
    return {
        "n_inputs": draw(st.integers(1, 4)),
        "hidden": hidden,
        "n_outputs": n_outputs,
        "batch": draw(st.integers(1, 5)),
        "seed": draw(st.integers(0, 2**32 - 1)),
    }


@pytest.mark.parametrize(("output", "loss_name", "target_kind"), OUTPUT_LOSS_PAIRS, ids=PAIR_IDS)
@given(data=st.data())
def test_network_gradients_match_finite_differences(output, loss_name, target_kind, data):
    arch = data.draw(architectures(output, loss_name))
    network = make_network(arch["n_inputs"], arch["hidden"], output, arch["n_outputs"], arch["seed"])
    X, y = make_data(arch["n_inputs"], arch["n_outputs"], arch["batch"], target_kind, arch["seed"])
    assume(kink_distance(network, X) > KINK_MARGIN)
    if output == "sigmoid":
        # E from p = 0.99999 loses log(1 - p)'s digits to cancellation (1 - p keeps 5 of 16), so
        # central differences of E are noise at 1e-11, not the gradient: keep p away from 0 and 1.
        p = network.forward(X)
        assume(np.min(np.minimum(p, 1 - p)) > 1e-3)
    check_network(network, X, y, loss_name)


@pytest.mark.parametrize("hidden", sorted(HIDDEN_ACTIVATIONS))
def test_every_hidden_activation_in_a_three_layer_network(hidden):
    """Deterministic coverage: each hidden activation twice, under a sigmoid/bce output."""
    network = make_network(3, [(5, hidden), (4, hidden)], "sigmoid", 2, seed=7)
    X, y = make_data(3, 2, 6, "unit", seed=7)
    assert kink_distance(network, X) > KINK_MARGIN
    grads = check_network(network, X, y, "binary_cross_entropy")
    # a check of all-zero gradients would prove nothing
    assert all(np.abs(g).max() > 1e-4 for g in grads.values())


def test_kinks_use_the_documented_derivative():
    """At z = 0 exactly, relu' = 0 and leaky_relu' = alpha (the subgradients PyTorch uses)."""
    for activation, slope in ((nl.ReLU(), 0.0), (nl.LeakyReLU(alpha=0.2), 0.2)):
        network = nl.Sequential([nl.Dense(1, activation, weights=[[1.0]], biases=[0.0])], dtype="float64")
        network.forward(np.array([[0.0]]))
        network.backward(np.array([[1.0]]))
        assert network.layers[0].weight_gradient[0, 0] == 0.0  # x = 0
        assert network.layers[0].bias_gradient[0] == slope


def test_fit_uses_the_fused_gradient_in_saturation():
    """Far into sigmoid saturation fit still learns: dE/dz = (p - y)/N is exact there.

    w = 40, x = 1, y = 0: p = sigma(40) = 1 in float64, so dE/dw = x (p - y) = 1 and one
    GradientDescent step with learning_rate 1 gives w = 39. The unfused chain rule would
    multiply a clipped dE/dp by sigma'(40) = p (1 - p) = 0 and leave w at 40.
    """
    network = nl.Sequential([nl.Dense(1, "sigmoid", weights=[[40.0]], biases=[0.0])], dtype="float64")
    network.fit([[1.0]], [0.0], loss="binary_cross_entropy", optimizer=nl.GradientDescent(1.0), epochs=1)
    assert network.layers[0].weights[0, 0] == 39.0
    assert network.layers[0].biases[0] == -1.0


# -- PyTorch as an independent oracle --------------------------------------------------------
try:
    import torch
except ImportError:  # the test extra is not installed: the finite-difference checks still run
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch (the test extra) is not installed")


def torch_activation(activation, z):
    name = activation.name
    if name == "sigmoid":
        return torch.sigmoid(z)
    if name == "tanh":
        return torch.tanh(z)
    if name == "relu":
        return torch.relu(z)
    if name == "leaky_relu":
        return torch.nn.functional.leaky_relu(z, negative_slope=activation.alpha)
    if name == "linear":
        return z
    if name == "softmax":
        return torch.softmax(z, dim=-1)
    raise AssertionError(name)


def torch_gradients(network, X, y, loss_name, dtype):
    """dE/dp for every parameter and dE/dX by autograd on a torch copy of ``network``."""
    params = []
    x = torch.tensor(X, dtype=dtype, requires_grad=True)
    a, z = x, None
    for layer in network.layers:
        w = torch.tensor(layer.weights, dtype=dtype, requires_grad=True)
        b = torch.tensor(layer.biases, dtype=dtype, requires_grad=True)
        params += [w, b]
        z = a @ w + b
        a = torch_activation(layer.activation, z)
    if loss_name == "sum_squared_error":
        target = torch.tensor(np.reshape(y, a.shape), dtype=dtype)
        E = ((a - target) ** 2).sum()
    elif loss_name == "half_squared_error":
        target = torch.tensor(np.reshape(y, a.shape), dtype=dtype)
        E = 0.5 * ((a - target) ** 2).sum()
    elif loss_name == "mse":
        E = torch.nn.functional.mse_loss(a, torch.tensor(np.reshape(y, a.shape), dtype=dtype))
    elif loss_name == "binary_cross_entropy":
        E = torch.nn.functional.binary_cross_entropy(a, torch.tensor(np.reshape(y, a.shape), dtype=dtype))
    elif loss_name == "cross_entropy":  # torch's own fused log-softmax on the logits z
        y = np.asarray(y)
        target = torch.tensor(y, dtype=torch.long) if y.ndim == 1 else torch.tensor(y, dtype=dtype)
        E = torch.nn.functional.cross_entropy(z, target)
    else:
        raise AssertionError(loss_name)
    E.backward()
    return [p.grad.numpy() for p in params], x.grad.numpy(), E.item()


@needs_torch
@pytest.mark.parametrize(("output", "loss_name", "target_kind"), OUTPUT_LOSS_PAIRS, ids=PAIR_IDS)
@given(data=st.data())
def test_network_gradients_match_pytorch_float64(output, loss_name, target_kind, data):
    arch = data.draw(architectures(output, loss_name))
    network = make_network(arch["n_inputs"], arch["hidden"], output, arch["n_outputs"], arch["seed"])
    X, y = make_data(arch["n_inputs"], arch["n_outputs"], arch["batch"], target_kind, arch["seed"])
    loss = network.check_loss(loss_name)
    target = loss.prepare_target(y, network.output_dim, network.dtype)
    grads, grad_x = analytic_gradients(network, X, target, loss)
    expected, expected_x, expected_loss = torch_gradients(network, X, y, loss_name, torch.float64)
    assert loss.value(network.forward(X), target) == pytest.approx(expected_loss, rel=1e-12, abs=1e-15)
    for (name, _, _), want in zip(network.named_parameters(), expected, strict=True):
        np.testing.assert_allclose(grads[name], want, rtol=1e-10, atol=1e-13, err_msg=name)
    np.testing.assert_allclose(grad_x, expected_x, rtol=1e-10, atol=1e-13)


@needs_torch
def test_network_gradients_match_pytorch_float32():
    hidden = [(8, "tanh"), (8, "relu"), (6, "sigmoid")]
    network = make_network(5, hidden, "softmax", 3, seed=11, dtype="float32")
    X, y = make_data(5, 3, 16, "indices", seed=11)
    loss = network.check_loss("cross_entropy")
    target = loss.prepare_target(y, network.output_dim, network.dtype)
    grads, grad_x = analytic_gradients(network, X.astype(np.float32), target, loss)
    expected, expected_x, _ = torch_gradients(
        network, X.astype(np.float32), y, "cross_entropy", torch.float32
    )
    for (name, parameter, _), want in zip(network.named_parameters(), expected, strict=True):
        assert parameter.dtype == np.float32 and grads[name].dtype == np.float32
        np.testing.assert_allclose(grads[name], want, rtol=1e-4, atol=1e-4 * np.abs(want).max(), err_msg=name)
    assert grad_x.dtype == np.float32
    np.testing.assert_allclose(grad_x, expected_x, rtol=1e-4, atol=1e-4 * np.abs(expected_x).max())
