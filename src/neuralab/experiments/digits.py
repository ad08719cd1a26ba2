"""One real training run for the tour: handwritten digits (8x8 images, 10 classes) with a
small ReLU network, a softmax output and the cross-entropy loss, trained by mini-batch SGD
with momentum; accuracy is measured on held-out test images.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .._validation import check_positive_int, check_positive_number
from ..callbacks import Callback
from ..history import History
from ..layers import Dense
from ..network import Sequential
from ..optimizers import SGD
from ._result import Result
from .datasets import accuracy, load_dataset

MEAN_NORM_KEY = "mean_gradient_norm_layer_{}"
"""``History.extra`` key of layer k's (1-based) epoch-mean weight-gradient norm."""


class EpochMeanGradientNorm(Callback):
    """Records each layer's weight-gradient norm averaged over the epoch's batches.

    ``History.gradient_norms`` holds the norm of the last batch of each epoch, as noisy as a
    single batch; this callback adds, per layer k, ``history.extra["mean_gradient_norm_layer_k"]``:
    (1/B) sum_b ||dE/dW_k||_b over the epoch's B batches (read after each batch's backward pass).

    Examples
    --------
    >>> import numpy as np
    >>> import neuralab as nl
    >>> from neuralab import experiments
    >>> X, y = np.random.default_rng(0).normal(size=(40, 3)), np.arange(40) % 2
    >>> net = nl.Sequential([nl.Dense(4, "relu"), nl.Dense(2, "softmax")])
    >>> history = net.fit(X, y, loss="cross_entropy", optimizer="sgd", epochs=2, batch_size=16, seed=0,
    ...                   callbacks=[experiments.EpochMeanGradientNorm()])
    >>> sorted(history.extra)
    ['mean_gradient_norm_layer_1', 'mean_gradient_norm_layer_2']
    """

    def on_train_begin(self, context):
        super().on_train_begin(context)
        self.layers = list(context.network.weighted_layers)
        self.sums = np.zeros(len(self.layers))
        self.batches = 0

    def on_epoch_begin(self, epoch):
        self.sums[:] = 0.0
        self.batches = 0

    def on_batch_end(self, batch, loss):
        for k, layer in enumerate(self.layers):
            self.sums[k] += float(np.linalg.norm(layer.weight_gradient))
        self.batches += 1

    def on_epoch_end(self, epoch, logs):
        extra = self.context.history.extra
        for k, total in enumerate(self.sums):
            extra.setdefault(MEAN_NORM_KEY.format(k + 1), []).append(total / max(self.batches, 1))


def mean_gradient_norms(history: History) -> np.ndarray | None:
    """The epoch-mean gradient norms ``EpochMeanGradientNorm`` recorded, shape (epochs, n_layers),
    or None when it did not run.

    Examples
    --------
    >>> from neuralab import experiments
    >>> from neuralab.history import History
    >>> experiments.mean_gradient_norms(History(extra={"mean_gradient_norm_layer_1": [0.5, 0.25]}))
    array([[0.5 ],
           [0.25]])
    >>> experiments.mean_gradient_norms(History()) is None
    True
    """
    keys: list[str] = []
    while MEAN_NORM_KEY.format(len(keys) + 1) in history.extra:
        keys.append(MEAN_NORM_KEY.format(len(keys) + 1))
    if not keys:
        return None
    return np.array([history.extra[key] for key in keys], dtype=float).T


@dataclass
class TrainingResult(Result):
    """The digits run: architecture, loss curves and accuracies.

    Examples
    --------
    >>> from neuralab import experiments
    >>> result = experiments.train_digits(hidden_units=16, epochs=2)
    >>> result.n_train + result.n_test, len(result.loss)
    (1797, 2)
    """

    dataset: str
    hidden_units: int
    epochs: int
    learning_rate: float
    batch_size: int
    seed: int
    n_train: int
    n_test: int
    summary: str
    loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    train_accuracy: float = 0.0
    test_accuracy: float = 0.0
    history: dict = field(default_factory=dict)


def train_digits(
    *,
    hidden_units: int = 64,
    epochs: int = 30,
    learning_rate: float = 0.05,
    batch_size: int = 32,
    seed: int = 0,
    callbacks: Sequence[Callback] = (),
    histories: list[History] | None = None,
) -> TrainingResult:
    """Train Dense(hidden_units, relu) -> Dense(10, softmax) on the digits training split.

    The test split is also the validation data, so ``val_loss`` is the test loss per epoch.
    ``histories``, if given a list, receives the History (for ``plots.plot_history``); its
    ``extra`` holds the epoch-mean gradient norms (``EpochMeanGradientNorm``).

    Examples
    --------
    >>> from neuralab import experiments
    >>> result = experiments.train_digits(hidden_units=32, epochs=5)
    >>> bool(result.test_accuracy > 0.9)
    True
    """
    hidden_units = check_positive_int("hidden_units", hidden_units)
    epochs = check_positive_int("epochs", epochs)
    batch_size = check_positive_int("batch_size", batch_size)
    learning_rate = check_positive_number("learning_rate", learning_rate)
    data = load_dataset("digits", seed=seed)
    network = Sequential(
        [Dense(hidden_units, "relu", initializer="he_uniform"), Dense(data.n_classes, "softmax")]
    )
    history = network.fit(
        data.X_train,
        data.y_train,
        loss="cross_entropy",
        optimizer=SGD(learning_rate, momentum=0.9),
        epochs=epochs,
        batch_size=batch_size,
        validation_data=(data.X_test, data.y_test),
        seed=seed,
        callbacks=[EpochMeanGradientNorm(), *callbacks],
    )
    if histories is not None:
        histories.append(history)
    return TrainingResult(
        dataset="digits",
        hidden_units=hidden_units,
        epochs=history.epochs_run,
        learning_rate=learning_rate,
        batch_size=batch_size,
        seed=seed,
        n_train=len(data.y_train),
        n_test=len(data.y_test),
        summary=network.summary(),
        loss=list(history.loss),
        val_loss=list(history.val_loss),
        train_accuracy=accuracy(network, data.X_train, data.y_train),
        test_accuracy=accuracy(network, data.X_test, data.y_test),
        history=history.to_dict(),
    )
