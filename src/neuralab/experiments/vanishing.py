"""The vanishing-gradient problem, measured on a real data set.

Backpropagation multiplies, for each layer it passes, the layer's weights and the
activation's derivative:

    dE/dW_1 = x^T [ ... ((dE/da_L * f'(z_L)) W_L^T * f'(z_{L-1})) ... W_2^T * f'(z_1) ]

With sigmoid, sigma'(z) = sigma(z)(1 - sigma(z)) <= 1/4, so the product of n sigmoid
derivatives is at most 4^-n (4^-10 ~ 1e-6) and, with small weights, the gradient shrinks
roughly like (|w|/4)^n: the first layers of a deep sigmoid network barely learn. tanh' <= 1
but is small away from 0; relu' is exactly 1 for active units.

The loss and accuracies reported after training are all measured on the final weights
(``network.evaluate`` on the training rows for the loss); the per-epoch ``loss`` curve is the
mean over each epoch's mini-batches.

The same deep network (default 10 hidden layers of 64 units, softmax output, cross
entropy) is trained with sigmoid, tanh, relu and leaky_relu hidden layers, from the same
seed, with the same optimizer and data; a ``GradientMonitor`` records the per-layer
gradient norms before training and after each epoch.

The settings are chosen so that the lesson holds on every seed, not on a lucky one (see
``docs/tutorials/vanishing-gradient.md`` for the per-seed table):

- Initialisation: He uniform, U(-sqrt(6/fan_in), sqrt(6/fan_in)) (variance 2/fan_in), for the
  ReLU family, the usual practice: a ReLU zeroes half of its inputs, so doubling the
  variance keeps the signal's size from layer to layer. Glorot uniform for sigmoid and tanh.
  For comparison: Keras's ``Dense`` defaults to ``glorot_uniform`` (biases zero), PyTorch's
  ``nn.Linear`` to ``kaiming_uniform_(a=sqrt(5))``, i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in))
  (variance 1/(3 fan_in), six times below He), biases from the same range.
- Optimizer: SGD with momentum 0.9 at learning rate 0.02, multiplied by 0.85 after every
  epoch (``ExponentialDecay``), batch 64, 20 epochs. Plain SGD at a constant 0.1 makes deep
  ReLU networks' loss spike late in training on some seeds (``relu_care`` shows it).
- Data: features standardised with the training rows' mean and standard deviation and
  clipped to +-5: a few digit pixels are almost always blank, and a rare stroke there would
  otherwise be a value of 30-90 standard deviations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypedDict

import numpy as np

from .._validation import check_positive_int, check_positive_number
from ..activations import get_activation
from ..callbacks import Callback, ExponentialDecay
from ..diagnostics import GradientMonitor, diagnose
from ..errors import DivergenceError, ValidationError
from ..layers import Dense
from ..network import Sequential
from ..optimizers import SGD
from ._result import Result
from .datasets import CLIP, Dataset, accuracy, load_dataset

__all__ = [
    "ACTIVATIONS",
    "CARE_SETTINGS",
    "CLIP",
    "DEFAULTS",
    "RELU_FAMILY",
    "ActivationRun",
    "CareResult",
    "Dataset",
    "VanishingResult",
    "accuracy",
    "deep_network",
    "initializer_for",
    "load_dataset",
    "relu_care",
    "vanishing",
]

ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")
RELU_FAMILY = ("relu", "leaky_relu")


class _Defaults(TypedDict):
    depth: int
    width: int
    epochs: int
    learning_rate: float
    momentum: float
    decay: float
    batch_size: int


DEFAULTS: _Defaults = {
    "depth": 10,
    "width": 64,
    "epochs": 20,
    "learning_rate": 0.02,
    "momentum": 0.9,
    "decay": 0.85,
    "batch_size": 64,
}
"""The demonstration's settings: ``vanishing()``, ``neuralab vanishing`` and the tour use these.

Examples
--------
>>> from neuralab.experiments import VANISHING_DEFAULTS
>>> VANISHING_DEFAULTS["depth"], VANISHING_DEFAULTS["learning_rate"], VANISHING_DEFAULTS["decay"]
(10, 0.02, 0.85)
"""
SIGMOID_BOUND = (
    "sigma'(z) = sigma(z) (1 - sigma(z)) <= 1/4, so the product of n layers' sigma' factors "
    "is at most 4^-n (each layer's weights multiply in too)"
)


def _training_loss(network: Sequential, X: np.ndarray, y: np.ndarray) -> float | None:
    """Cross entropy of the network's current weights on (X, y), or None if it is not finite."""
    value = float(network.evaluate(X, y, "cross_entropy"))
    return value if np.isfinite(value) else None


def initializer_for(activation: str) -> str:
    """He uniform for the ReLU family, Glorot uniform otherwise (the usual practice)."""
    return "he_uniform" if activation in RELU_FAMILY else "glorot_uniform"


def deep_network(
    activation: str, *, depth: int, width: int, n_classes: int, initializer: str | None = None
) -> Sequential:
    """``depth`` hidden Dense(width, activation) layers and a softmax output layer.

    ``initializer`` None: ``initializer_for(activation)`` for the hidden layers.
    """
    init = initializer or initializer_for(activation)
    hidden = [Dense(width, activation, initializer=init) for _ in range(depth)]
    return Sequential([*hidden, Dense(n_classes, "softmax")])


@dataclass
class ActivationRun(Result):
    """One activation's run: gradient norms per layer per recorded epoch (input layer first),
    the first/last-layer ratio at the start, and the loss and accuracy after training.

    ``loss`` is the training curve: the mean loss over each epoch's mini-batches, taken while
    the weights were still moving. ``final_loss``, ``train_accuracy`` and ``test_accuracy`` are
    all measured on the final weights: ``final_loss`` is the cross entropy of the trained network
    on the training rows, ``network.evaluate(X_train, y_train, "cross_entropy")`` (None if it
    is not finite).

    ``diagnosis`` is the gradient flow at the start ("vanishing", "exploding", "healthy"), or
    "diverged" when the engine stopped the fit (epoch in ``diverged_at_epoch``; the final loss and
    the accuracies are then those of the weights kept from before the bad step, ``loss`` the
    completed epochs').

    Examples
    --------
    >>> from neuralab import experiments
    >>> result = experiments.vanishing(activations=("sigmoid", "relu"), depth=8, width=16, epochs=1)
    >>> run = result.run("sigmoid")
    >>> run.activation, len(run.gradient_norms[0])
    ('sigmoid', 9)
    """

    activation: str
    initializer: str
    first_to_last_at_start: float
    gradient_norms: list[list[float]]
    recorded_epochs: list[int]
    saturated_at_start: list[float | None]
    dead_at_start: list[float | None]
    loss: list[float]
    final_loss: float | None
    train_accuracy: float
    test_accuracy: float
    diagnosis: str
    advice: str
    diverged_at_epoch: int | None = None


@dataclass
class VanishingResult(Result):
    """The four activations' runs on the same data, network shape, seed and optimizer.

    Examples
    --------
    >>> from neuralab import experiments
    >>> result = experiments.vanishing(activations=("sigmoid", "relu"), depth=8, width=16, epochs=1)
    >>> [run.activation for run in result.runs]
    ['sigmoid', 'relu']
    >>> bool(result.run("sigmoid").first_to_last_at_start < result.run("relu").first_to_last_at_start)
    True
    """

    dataset: str
    depth: int
    width: int
    epochs: int
    learning_rate: float
    batch_size: int
    seed: int
    n_train: int
    n_test: int
    n_classes: int = 10
    momentum: float = 0.0
    decay: float = 1.0
    sigmoid_bound: str = SIGMOID_BOUND
    bound_for_depth: float = 0.0
    runs: list[ActivationRun] = field(default_factory=list)

    def run(self, activation: str) -> ActivationRun:
        """The run of one activation, by name."""
        for run in self.runs:
            if run.activation == activation:
                return run
        ran = ", ".join(r.activation for r in self.runs)
        raise ValidationError(f"No run for {activation!r}; ran: {ran}.")


def vanishing(
    *,
    activations: tuple[str, ...] = ACTIVATIONS,
    dataset: str = "digits",
    depth: int = DEFAULTS["depth"],
    width: int = DEFAULTS["width"],
    epochs: int = DEFAULTS["epochs"],
    learning_rate: float = DEFAULTS["learning_rate"],
    momentum: float = DEFAULTS["momentum"],
    decay: float = DEFAULTS["decay"],
    batch_size: int = DEFAULTS["batch_size"],
    initializer: str | None = None,
    seed: int = 0,
    monitor_samples: int = 500,
    data: Dataset | None = None,
    monitors: dict[str, GradientMonitor] | None = None,
) -> VanishingResult:
    """Train the deep network once per hidden activation and measure the gradient flow.

    The optimizer is ``SGD(learning_rate, momentum)``; the rate is multiplied by ``decay``
    after every epoch (1: constant). ``initializer`` None picks He uniform for relu and
    leaky_relu, Glorot uniform otherwise; a name forces it for every activation.
    ``monitors``, if given a dict, receives each activation's GradientMonitor (for figures).
    The monitor measures on the first ``monitor_samples`` training rows.

    Examples
    --------
    A small version of the tutorial's experiment (8 hidden layers of 16 units, one epoch):
    >>> from neuralab import experiments
    >>> result = experiments.vanishing(activations=("sigmoid", "relu"), depth=8, width=16, epochs=1)
    >>> {run.activation: run.diagnosis for run in result.runs}
    {'sigmoid': 'vanishing', 'relu': 'healthy'}
    """
    names = [get_activation(a).name for a in activations]  # unknown names fail here, listing valid ones
    if not names:
        raise ValidationError("`activations` is empty; give at least one, e.g. sigmoid,relu.")
    depth = check_positive_int("depth", depth)
    width = check_positive_int("width", width)
    epochs = check_positive_int("epochs", epochs)
    batch_size = check_positive_int("batch_size", batch_size)
    learning_rate = check_positive_number("learning_rate", learning_rate)
    momentum = _check_fraction("momentum", momentum, closed=True)
    decay = _check_fraction("decay", decay, closed=False)
    if initializer is not None:
        from ..initializers import get_initializer

        initializer = get_initializer(initializer).name  # unknown names fail here, listing valid ones
    data = data or load_dataset(dataset, seed=seed)
    result = VanishingResult(
        dataset=data.name,
        depth=depth,
        width=width,
        epochs=epochs,
        learning_rate=learning_rate,
        batch_size=batch_size,
        seed=seed,
        n_train=len(data.y_train),
        n_test=len(data.y_test),
        n_classes=data.n_classes,
        momentum=momentum,
        decay=decay,
        bound_for_depth=4.0**-depth,
    )
    for name in names:
        init = initializer or initializer_for(name)
        network = deep_network(name, depth=depth, width=width, n_classes=data.n_classes, initializer=init)
        monitor = GradientMonitor(data.X_train[:monitor_samples], data.y_train[:monitor_samples])
        callbacks: list[Callback] = [monitor]
        if decay < 1:
            callbacks.append(ExponentialDecay(rate=decay))
        diverged, divergence = None, ""
        try:
            history = network.fit(
                data.X_train,
                data.y_train,
                loss="cross_entropy",
                optimizer=SGD(learning_rate, momentum=momentum),
                epochs=epochs,
                batch_size=batch_size,
                seed=seed,
                callbacks=callbacks,
            )
            losses = list(history.loss)
        except DivergenceError as error:
            diverged, divergence = error.epoch, str(error)
            assert network.history is not None  # fit sets it before its first epoch
            losses = list(network.history.loss)
        start = diagnose(monitor)
        diagnosis, advice = start.status, start.advice
        if diverged is not None:  # the gradient flow at the start is secondary to a failed run
            diagnosis = "diverged"
            advice = divergence + (
                ""
                if start.status == "healthy"
                else f" Before training the gradients were {start.status}: {start.advice}"
            )
        result.runs.append(
            ActivationRun(
                activation=name,
                initializer=init,
                first_to_last_at_start=start.first_to_last,
                gradient_norms=monitor.gradient_norm_array().tolist(),
                recorded_epochs=[r.epoch for r in monitor.records],
                saturated_at_start=monitor.records[0].saturated,
                dead_at_start=monitor.records[0].dead,
                loss=losses,
                final_loss=_training_loss(network, data.X_train, data.y_train),
                train_accuracy=accuracy(network, data.X_train, data.y_train),
                test_accuracy=accuracy(network, data.X_test, data.y_test),
                diagnosis=diagnosis,
                advice=advice,
                diverged_at_epoch=diverged,
            )
        )
        if monitors is not None:
            monitors[name] = monitor
    return result


def _check_fraction(name: str, value: float, *, closed: bool) -> float:
    """``value`` in [0, 1) (``closed``: momentum) or (0, 1] (a decay factor)."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and np.isfinite(value)
    if ok and (0 <= value < 1 if closed else 0 < value <= 1):
        return float(value)
    valid = "a number in [0, 1), e.g. 0.9" if closed else "a number in (0, 1], e.g. 0.85 (1: constant rate)"
    raise ValidationError(f"`{name}` must be {valid}. Got {value!r}.")


CARE_SETTINGS: dict[str, dict] = {
    "He init, momentum, decaying rate (the lesson's)": {},
    "Glorot init (Keras's default), same optimizer": {"initializer": "glorot_uniform"},
    "He init, plain SGD at a constant 0.1": {"momentum": 0.0, "decay": 1.0, "learning_rate": 0.1},
}
"""Deep ReLU networks need care: the lesson's settings against two common shortcuts."""


@dataclass
class CareResult(Result):
    """The same deep ReLU network trained under each of ``CARE_SETTINGS`` (one run per setting).

    Examples
    --------
    >>> from neuralab import experiments
    >>> result = experiments.relu_care(depth=3, width=8, epochs=1)
    >>> len(result.labels) == len(result.runs) == 3, result.runs[1].initializer
    (True, 'glorot_uniform')
    """

    depth: int
    width: int
    epochs: int
    seed: int
    labels: list[str] = field(default_factory=list)
    runs: list[ActivationRun] = field(default_factory=list)


def relu_care(
    *,
    depth: int = DEFAULTS["depth"],
    width: int = DEFAULTS["width"],
    epochs: int = DEFAULTS["epochs"],
    seed: int = 0,
    data: Dataset | None = None,
    settings: dict[str, dict] | None = None,
) -> CareResult:
    """Train the deep ReLU network under each setting of ``CARE_SETTINGS`` (or ``settings``).

    Examples
    --------
    >>> from neuralab import experiments
    >>> result = experiments.relu_care(depth=3, width=8, epochs=1, settings={"plain SGD": {"momentum": 0.0}})
    >>> result.labels, result.runs[0].activation, result.runs[0].initializer
    (['plain SGD'], 'relu', 'he_uniform')
    """
    data = data or load_dataset("digits", seed=seed)
    result = CareResult(depth=depth, width=width, epochs=epochs, seed=seed)
    for label, overrides in (CARE_SETTINGS if settings is None else settings).items():
        run = vanishing(
            activations=("relu",), depth=depth, width=width, epochs=epochs, seed=seed, data=data, **overrides
        ).runs[0]
        result.labels.append(label)
        result.runs.append(run)
    return result
