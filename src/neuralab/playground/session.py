"""One learner's playground: its data, its network and its training on the real engine.

``Session`` holds a ``Sequential``, its data, its optimizer and the initial weights (for
reset), and trains on the real engine: each epoch is one ``Sequential.fit`` call with
``initial_epoch`` (so the optimizer's state carries over) and a ``GradientMonitor`` that
measures the per-layer gradient norms ``diagnose`` reads. ``frame()`` is what the page
draws. The configuration is checked in ``config``; the bounded set of sessions lives in
``store``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import threading
from typing import cast

import numpy as np

from ..diagnostics import GradientMonitor, diagnose, layer_statistics
from ..errors import DivergenceError, NotTrainableError
from ..layers import Dense
from ..network import Sequential
from ..optimizers import get_optimizer
from ..training import DivergenceRule
from ..training.divergence import Rollback
from .config import LIMITS, Config
from .datasets import Dataset
from .errors import PlaygroundInputError, TrainingBlocked
from .pictures import PlanePictures, finite, json_matrix, json_values
from .steps import apply_step, explain_step, fit_seed

PLAYGROUND_DIVERGENCE = DivergenceRule(factor=10.0, floor=0.1)
"""Epoch-level rule: the training loss above 10 x max(best so far, 0.1) (or not finite) is divergence.

Stricter than fit's batch-level default, because a classification loss is bounded by its
clipped logarithm and would never reach fit's 10^4 x best.
"""

_LOSSES = {"binary": "binary_cross_entropy", "multiclass": "cross_entropy", "regression": "mse"}
_OUTPUT_ACTIVATIONS = {"binary": "sigmoid", "multiclass": "softmax", "regression": "linear"}


NO_GRADIENT = "no_gradient"
"""``diagnose``'s status when the output layer's weight gradient is exactly 0."""


def _no_gradient(diagnosis, activations: list[str]):
    """The page's words for ``diagnose``'s "no_gradient" (Reset is a button here).

    The engine detects the case; the page adds how many ReLUs are dead and what to press.
    """
    dead = [x for x in diagnosis.dead if x is not None]
    where = (
        "every layer's weight gradient dE/dW is exactly 0, so no step can change the weights"
        if all(n == 0 for n in diagnosis.gradient_norms)
        else "the output layer's weight gradient dE/dW is exactly 0, so its weights cannot change"
    )
    words = [f"No gradient flows (dead units): {where}."]
    if dead:
        words.append(
            f"Up to {max(dead):.0%} of the ReLU units output 0 for every training sample, "
            "and relu'(z) = 0 there passes nothing back."
        )
    if {"relu"} & set(activations[:-1]):
        words.append("Press Reset, then use leaky_relu, a smaller learning rate or fewer layers.")
    else:
        words.append("Press Reset, or change the activations or the learning rate.")
    return dataclasses.replace(diagnosis, status=NO_GRADIENT, layer=1, advice=" ".join(words))


def output_units(dataset: Dataset) -> int:
    """The output layer's units for ``dataset``'s task: one per class (several classes), else 1."""
    return len(dataset.classes) if dataset.task == "multiclass" else 1


def check_network(network: Sequential, dataset: Dataset) -> None:
    """Refuse a given network the playground cannot draw or train on ``dataset``.

    It must be Dense layers with biases, at most ``LIMITS`` hidden layers of at most
    ``LIMITS`` units, end in the output layer the task takes (sigmoid for two classes, softmax
    over the classes, linear for regression) and, when built, take the data's features.
    """
    layers = network.layers
    for position, layer in enumerate(layers, start=1):
        if not isinstance(layer, Dense):
            raise PlaygroundInputError(
                f"Layer {position} of the network is a {type(layer).__name__}; the playground draws and "
                "trains Dense layers only. Pass a network of Dense layers, or hidden=[(8, 'relu'), ...]."
            )
        if not layer.use_bias:
            raise PlaygroundInputError(
                f"Layer {position} of the network has no biases (use_bias=False); the playground draws "
                "each unit's bias. Build it with Dense(..., use_bias=True)."
            )
    hidden = cast(list[Dense], layers[:-1])
    if len(hidden) > LIMITS["max_hidden_layers"]:
        raise PlaygroundInputError(
            f"The network has {len(hidden)} hidden layers; the playground draws at most "
            f"{LIMITS['max_hidden_layers']}. Use a shallower network."
        )
    wide = [p for p, layer in enumerate(hidden, start=1) if layer.units > LIMITS["max_units"]]
    if wide:
        raise PlaygroundInputError(
            f"Hidden layer {wide[0]} has {hidden[wide[0] - 1].units} units; the playground draws at most "
            f"{LIMITS['max_units']} per layer. Use narrower layers."
        )
    output = cast(Dense, layers[-1])
    units, activation = output_units(dataset), _OUTPUT_ACTIVATIONS[dataset.task]
    if output.units != units or output.activation.name != activation:
        what = {
            "binary": "two classes",
            "multiclass": f"{units} classes",
            "regression": "a regression target",
        }
        raise PlaygroundInputError(
            f"The network's output layer is Dense({output.units}, {output.activation.name!r}); for the "
            f"{what[dataset.task]} of this data the playground trains Dense({units}, {activation!r}) with "
            f"{_LOSSES[dataset.task]}. End the network in Dense({units}, {activation!r})."
        )
    first = cast(Dense, layers[0])
    if first.weights is not None and first.weights.shape[0] != dataset.n_features:
        raise PlaygroundInputError(
            f"The network takes {first.weights.shape[0]} inputs but the data has {dataset.n_features} "
            f"features ({', '.join(dataset.feature_names)}). Pass an unbuilt network, or one built for "
            f"{dataset.n_features} inputs."
        )


class Session:
    """A network being trained on one data set.

    Attributes
    ----------
    network : Sequential
        Hidden layers as configured (or the ``network`` given, trained in place, checked by
        ``check_network``); the output layer is sigmoid (binary classes), softmax (several
        classes) or linear (regression), paired with its loss.
    optimizer : Optimizer
    initial_weights : list of ndarray
        The weights at epoch 0, restored by ``reset``.
    train_loss, test_loss : list of float
        The loss of the whole training / test set after each epoch (index 0: before training).
    """

    def __init__(self, session_id: str, config: Config, dataset: Dataset, network: Sequential | None = None):
        self.id = session_id
        self.config = config
        self.dataset = dataset
        self.pictures = PlanePictures(dataset)
        self.loss = _LOSSES[dataset.task]
        if network is None:
            layers = [Dense(units, activation) for units, activation in config.hidden]
            layers.append(Dense(output_units(dataset), _OUTPUT_ACTIVATIONS[dataset.task]))
            network = Sequential(layers)
        else:  # a learner's own network (the notebook widget): trained in place
            check_network(network, dataset)
        self.network = network
        if not network.built:
            network.build(dataset.n_features, config.seed)
        self.initial_weights = self.network.get_weights()
        self.activations = [layer.activation.name for layer in self._layers]
        try:
            self.network.check_trainable()
            self.not_trainable = None
        except NotTrainableError as exc:
            self.not_trainable = str(exc)
        self.lock = threading.Lock()
        self.stream_token = 0
        self.training = False
        self._start()

    def _start(self) -> None:
        self.optimizer = get_optimizer(self.config.optimizer, self.config.learning_rate)
        self.epoch = 0
        self.rate_since = 0  # the epoch the current learning rate took over (its losses count for diagnose)
        self.weight_change = 0.0  # the largest ||dW|| / ||W|| of one epoch since then
        self.divergence: str | None = None
        self.divergence_blocks = False
        self.train_loss: list[float | None] = []
        self.test_loss: list[float | None] = []
        self.gradient_norms: list[float | None] = []
        self.diagnosis = None
        self.weight_gradients = [np.zeros_like(layer.weights) for layer in self._layers]
        self._record_losses()
        if self.not_trainable is None:
            network = self.network
            loss = network.check_loss(self.loss)
            X, y = network.prepare_data(self.dataset.X_train, self.dataset.y_train, loss)
            with np.errstate(all="ignore"):
                statistics = layer_statistics(network, X, y, loss)
            self._keep_gradients()
            self._set_diagnosis(diagnose(statistics, activations=self.activations))

    def _record_losses(self) -> None:
        data = self.dataset
        with np.errstate(all="ignore"):
            self.train_loss.append(finite(self.network.evaluate(data.X_train, data.y_train, self.loss)))
            self.test_loss.append(finite(self.network.evaluate(data.X_test, data.y_test, self.loss)))

    def _keep_gradients(self) -> None:
        """Keep dE/dW of the full training set that the last measured pass (``layer_statistics``,
        a GradientMonitor's epoch end) left in the layers: the gradients at the current weights."""
        self.weight_gradients = [layer.gradients()[0].copy() for layer in self.network.layers]

    def _set_diagnosis(self, diagnosis) -> None:
        if diagnosis.status == NO_GRADIENT:
            diagnosis = _no_gradient(diagnosis, self.activations)
        self.diagnosis = diagnosis
        self.gradient_norms = [finite(n) for n in diagnosis.gradient_norms]

    @property
    def _layers(self) -> list[Dense]:
        """The network's layers (the same list): every one a Dense, as __init__ built them."""
        return cast(list[Dense], self.network.layers)

    # -- training --------------------------------------------------------------------------
    def reset(self) -> None:
        """Back to epoch 0: the same initial weights, a fresh optimizer, empty curves."""
        with self.lock:
            self.network.set_weights(self.initial_weights)
            self._start()

    def train(self, epochs: int, frames: list[dict] | None = None) -> int:
        """Train ``epochs`` epochs (fewer if the network diverges); return the epoch before them.
        ``frames``: a list that gets each trained epoch's frame (its own loss, pictures and
        weights), drawn from that epoch's weights as soon as it is trained.

        Raises TrainingBlocked when the network cannot train (binary_step) or has diverged.
        """
        with self.lock:
            start = self.epoch
            self.training = True
            try:
                for _ in range(epochs):
                    self._check_can_train()
                    self._train_epoch()
                    if frames is not None:
                        frames.append(self._frame(self.epoch, False))
                    if self.divergence_blocks:
                        break
            finally:
                self.training = False
            return start

    def set_learning_rate(self, learning_rate: float) -> None:
        """Train with ``learning_rate`` from the next epoch on, keeping the weights.

        A divergence no longer blocks training afterwards: the weights from before it were
        kept, so the learner can lower the rate and go on (or raise it and watch it diverge).
        Its message stays (why the last run stopped) until an epoch trains without diverging.
        """
        with self.lock:
            self.config.learning_rate = learning_rate
            self.optimizer.learning_rate = learning_rate
            self.rate_since = self.epoch
            self.weight_change = 0.0
            self.divergence_blocks = False

    @property
    def can_train(self) -> bool:
        """Whether ``train`` would run an epoch now (no binary_step, no unanswered divergence)."""
        return not self.not_trainable and not self.divergence_blocks

    def _check_can_train(self) -> None:
        if self.not_trainable:
            raise TrainingBlocked(self.not_trainable)
        if self.divergence_blocks:
            raise TrainingBlocked(f"{self.divergence} Press Reset (or lower the learning rate) to go on.")

    def _train_epoch(self) -> None:
        data, config, network = self.dataset, self.config, self.network
        epoch = self.epoch + 1
        # The weights and the optimizer's state (momentum, moments) at this epoch's start, put
        # back if the epoch diverges: fit's own Rollback, asked at the epoch's level.
        rollback = Rollback(network.parameters(), self.optimizer, penalised=bool(config.l1 or config.l2))
        rollback.epoch_started()
        before = rollback.snapshots[0]  # [W1, b1, W2, b2, ...] at the epoch's start
        monitor = GradientMonitor(data.X_train, data.y_train, epochs=[epoch])
        try:
            network.fit(
                data.X_train,
                data.y_train,
                loss=self.loss,
                optimizer=self.optimizer,
                epochs=epoch,
                initial_epoch=self.epoch,
                batch_size=config.batch_size,
                l2=config.l2,
                l1=config.l1,
                seed=fit_seed(config, epoch),  # steps.epoch_order: the order it visits the rows in
                callbacks=[monitor],
            )
        except DivergenceError as exc:  # fit kept the weights from before the bad step
            self.epoch = epoch
            self.divergence = str(exc)
            self.divergence_blocks = True
            self._record_losses()
            return
        self.epoch = epoch
        self._record_losses()
        best = min((v for v in self.train_loss[:-1] if v is not None), default=math.inf)
        value = self.train_loss[-1]
        if value is None or PLAYGROUND_DIVERGENCE.diverged(value, best):
            shown = "not finite" if value is None else f"{value:.4g}"
            rate = self.optimizer.learning_rate
            self.divergence = (
                f"Training diverged in epoch {epoch}: the training loss jumped to {shown}, more than "
                f"{PLAYGROUND_DIVERGENCE.factor:g} times its best so far ({best:.4g}; a best below "
                f"{PLAYGROUND_DIVERGENCE.floor:g} counts as {PLAYGROUND_DIVERGENCE.floor:g}), with "
                f"learning rate {rate:g}. Each step overshoots the minimum it aims for; try a smaller "
                f"learning rate, e.g. {rate / 10:g}. The weights from before this epoch were kept."
            )
            self.divergence_blocks = True
            with contextlib.suppress(DivergenceError):  # the words above are the playground's rule
                # batch=1: the bad loss came after this epoch's steps, so its start is put back
                rollback.fail(math.inf if value is None else value, epoch, batch=1)
            return
        self.divergence = None  # this epoch trained: the last divergence is history
        self._keep_gradients()  # the monitor's full-batch pass at this epoch's weights
        with np.errstate(all="ignore"):  # the gradients of a diverged epoch would mislead: kept as they were
            for layer, old in zip(network.weighted_layers, before[::2], strict=True):
                size = float(np.linalg.norm(old))
                if size > 0:
                    change = float(np.linalg.norm(layer.weights - old)) / size
                    change = change if math.isfinite(change) else math.inf
                    self.weight_change = max(self.weight_change, change)
            self._set_diagnosis(
                diagnose(
                    monitor,
                    epoch=epoch,
                    losses=self.train_loss[self.rate_since :],
                    weight_change=self.weight_change,
                    learning_rate=self.optimizer.learning_rate,
                )
            )

    # -- what the page draws -------------------------------------------------------------------
    def parameters_now(self) -> dict:
        """The weights (per layer, in x out), the biases and dE/dW of the full training set at
        these weights (per layer, in x out), at full precision (None where not finite)."""
        return {
            # parameters() of a built Dense with biases: [W, b]
            "weights": [json_matrix(layer.parameters()[0]) for layer in self._layers],
            "biases": [json_values(layer.parameters()[1], None) for layer in self._layers],
            "weight_gradients": [json_matrix(g) for g in self.weight_gradients],
        }

    def frame(self, *, since: int = 0, include_data: bool = False) -> dict:
        """The state the page draws, with the loss curves from epoch ``since`` on.

        Holds the session's lock: drawing runs the layers forward, which would overwrite the
        caches of a training step running in another request's thread (a PATCH or a reload
        while the page streams).
        """
        with self.lock:
            return self._frame(since, include_data)

    def _frame(self, since: int, include_data: bool) -> dict:
        diagnosis = self.diagnosis
        frame = {
            "session": self.id,
            "epoch": self.epoch,
            "learning_rate": self.config.learning_rate,  # it may change mid-run
            "losses": {"start": since, "train": self.train_loss[since:], "test": self.test_loss[since:]},
            **self.pictures.draw(self.network),
            **self.parameters_now(),
            "gradient_norms": self.gradient_norms,
            "diagnosis": None
            if diagnosis is None
            else {"status": diagnosis.status, "layer": diagnosis.layer, "advice": diagnosis.advice},
            "divergence": self.divergence,
            "not_trainable": self.not_trainable,
            "can_train": self.can_train,
        }
        if include_data:
            data = self.dataset
            frame["data"] = {
                "name": data.name,
                "task": data.task,
                "classes": data.classes,
                "features": data.feature_names,
                "plane": [data.feature_names[i] for i in data.plane],
                "train": data.points("train"),
                "test": data.points("test"),
                "notes": data.notes,
            }
            frame["network"] = {
                "sizes": [data.n_features, *(layer.units for layer in self.network.layers)],
                "activations": self.activations,
                "loss": self.loss,
                "parameters": self.network.count_parameters(),
                "learning_rate": self.config.learning_rate,
                "optimizer": self.config.optimizer,
                "batch_size": self.config.batch_size,
            }
        return frame

    def explain(self, sample: int) -> dict:
        """The training step of the mini-batch that holds training sample ``sample`` in the next
        epoch's order, from the weights now (``steps.explain_step``): sample i's forward values
        and own chain-rule factors beside the batch's mean dE/dW."""
        with self.lock:
            self._check_explainable()
            return explain_step(
                self.network, self.dataset, self.config, loss=self.loss, epoch=self.epoch, sample=sample
            )[0]

    def apply_step(self, sample: int) -> dict:
        """Take the explained step: exactly the engine's optimizer step for that batch (the
        epoch stays; the optimizer's state moves on as a training step moves it). Returns the
        step as ``explain`` showed it, the batch's loss and sample i's loss before and after,
        and the frame of the new weights."""
        with self.lock:
            self._check_explainable()
            network, data, loss = self.network, self.dataset, self.loss
            step, rows = explain_step(network, data, self.config, loss=loss, epoch=self.epoch, sample=sample)
            try:
                apply_step(network, data, self.config, self.optimizer, loss=loss, epoch=self.epoch, rows=rows)
            except DivergenceError as exc:  # fit kept the weights from before the step
                raise TrainingBlocked(str(exc)) from None
            one = slice(sample, sample + 1)
            with np.errstate(all="ignore"):
                batch_after = float(network.evaluate(data.X_train[rows], data.y_train[rows], loss))
                after = float(network.evaluate(data.X_train[one], data.y_train[one], loss))
                X, y = network.prepare_data(data.X_train, data.y_train, network.check_loss(loss))
                statistics = layer_statistics(network, X, y, network.check_loss(loss), self.epoch)
            self._keep_gradients()
            self.gradient_norms = [finite(n) for n in statistics.gradient_norms]
            frame = self._frame(self.epoch + 1, False)
        return {
            "step": step,
            "loss_before": step["loss"],
            "loss_after": finite(after),
            "batch_loss_before": step["batch"]["loss"],
            "batch_loss_after": finite(batch_after),
            "frame": frame,
        }

    def _check_explainable(self) -> None:
        if self.not_trainable:
            raise TrainingBlocked(self.not_trainable)


__all__ = [
    "PLAYGROUND_DIVERGENCE",
    "Session",
    "check_network",
    "output_units",
]
