"""The fit loop: epochs of (shuffled) batches, each a forward pass, a loss, a backward pass
and an optimizer step — the notes' iterative training process:

    1. forward propagation   2. error calculation   3. backpropagation   4. update

``fit`` checks its arguments once, prepares the data and builds the network; ``_Trainer``
runs the epochs. A step is ``backprop.forward``, the batch loss, the divergence check
(``divergence``), ``backprop.output_gradient`` and ``backprop.backward`` (through
``regularisation.backpropagate_batch`` when sample weights or a penalty change the loss)
and ``optimizer.step`` on one flat array. Every front end (API, CLI, experiments) trains
through ``fit``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .._sparse import SparseBatches, is_sparse
from .._validation import (
    check_fraction,
    check_positive_int,
    check_positive_number,
    check_sample_weight,
    check_seed,
)
from ..backprop import backward, forward, output_gradient
from ..callbacks import Callback, PrintProgress, TrainingContext, live_display
from ..diagnostics import GradientWarning
from ..dropout import Dropout
from ..errors import DivergenceError, ValidationError
from ..history import History
from ..losses import Loss
from ..network import Sequential
from ..optimizers import Optimizer, get_optimizer
from . import regularisation
from .arguments import check_callbacks, check_divergence, check_initial_epoch, split_validation
from .batches import Batches, fit_seed_sequences
from .divergence import DivergenceRule, InterruptFlag, Rollback
from .flat import FlatParameters
from .weighting import combine_class_weight


def fit(
    network: Sequential,
    X: object,
    y: object,
    *,
    loss: str | Loss,
    optimizer: str | Optimizer,
    epochs: int,
    batch_size: int | None = None,
    shuffle: bool = True,
    tolerance: float | None = None,
    validation_data: tuple | None = None,
    validation_split: float = 0.0,
    seed: int | None = None,
    verbose: int = 0,
    callbacks: Sequence[Callback] = (),
    divergence: DivergenceRule | None = DivergenceRule(),
    l2: float = 0.0,
    class_weight: str | dict | None = None,
    sample_weight: object = None,
    l1: float = 0.0,
    initial_epoch: int = 0,
    live: bool = False,
) -> History:
    """Train ``network`` on ``X`` (n_samples, n_features) and ``y`` by gradient descent.

    Parameters
    ----------
    loss, optimizer : name or object
        E.g. ``"cross_entropy"`` and ``neuralab.SGD(0.1)``.
    epochs : int
        Maximum number of passes over the data.
    batch_size : int or None
        None: full-batch gradient descent (as in the notes); 1: stochastic; else mini-batch.
    shuffle : bool
        Reshuffle the samples each epoch (mini-batch only), from ``seed``.
    tolerance : float, optional
        Stop once an epoch's loss is <= tolerance.
    validation_data, validation_split
        A pair (X_val, y_val), or the fraction of the last rows held out.
    seed : int, optional
        Drives the initialisation of layers without a seed of their own, the shuffling and
        the dropout masks: the same seed gives bit-identical weights.
    verbose : int
        1 prints one line per epoch and warns once (``diagnostics.GradientFlowWarning``) if
        the gradients vanish or explode, naming the layer and the likely cause.
    callbacks : list of Callback
    divergence : DivergenceRule or None
        The rule for NaN/exploding losses (None turns the explosion check off; NaN and
        infinity always stop the fit).
    l2 : float
        L2 regularisation strength lambda: every batch loss gets the penalty
        ``lambda/2 * sum W^2`` over all weight matrices (not the biases), and every weight
        gradient ``lambda * W`` (see ``training.regularisation``).
    l1 : float
        L1 regularisation strength lambda1: the penalty ``lambda1 * sum |W|`` over all weight
        matrices (not the biases), and ``lambda1 * sign(W)`` added to every weight gradient.
    class_weight : "balanced", dict or None
        Per-class weights for imbalanced classification: "balanced" gives class c the
        weight ``n / (n_classes * count_c)`` (counted on the training rows), a dict maps
        class index -> weight. Each sample's loss term is multiplied by its class's weight.
    sample_weight : array of shape (n_samples,), optional
        Per-sample weights (multiplied with the class weights). Validation loss is unweighted.
    initial_epoch : int
        Resume numbering (Keras semantics): the epochs run are ``initial_epoch + 1 ..
        epochs``, so ``epochs`` must exceed ``initial_epoch``. Weights and the optimizer's
        state carry over from the previous fit when the same network and optimizer object
        are passed; this is incremental training (what ``partial_fit`` builds on).
    live : bool
        Draw the training as it goes (``neuralab.notebook.LiveTraining``): in a Jupyter
        notebook the loss curves and the per-layer gradient flow, redrawn in one output area a
        few times a second and left there as the final picture; elsewhere the terminal's
        progress bar.

    Returns
    -------
    History, also stored as ``network.history``.

    Raises
    ------
    DivergenceError
        The loss became NaN/inf or exploded; the weights from before the bad step are kept.
    KeyboardInterrupt
        After Ctrl-C, once the current batch is finished; history is marked "interrupted".

    Examples
    --------
    Tutorial 1 through the fit loop: three steps of gradient descent on J(w) from w = 0.2:
    >>> import numpy as np
    >>> import neuralab as nl
    >>> X = np.array([[-0.5], [-0.25], [0.0], [0.25], [0.5]])
    >>> net = nl.Sequential([nl.Dense(1, use_bias=False, weights=[[0.2]])], dtype="float64")
    >>> history = nl.fit(net, X, 2 * X, loss="sum_squared_error", optimizer=nl.GradientDescent(0.4), epochs=3)
    >>> [round(v, 4) for v in history.loss], round(net.get_weights()[0].item(), 4)
    ([2.025, 0.5062, 0.1266], 1.775)
    """
    resolved_loss = network.check_loss(loss)
    network.check_trainable()
    resolved_optimizer = get_optimizer(optimizer)
    resolved_optimizer.claim(network)
    epochs = check_positive_int("epochs", epochs)
    first_epoch = check_initial_epoch(initial_epoch, epochs)
    batch_size = check_positive_int("batch_size", batch_size, allow_none=True)
    if tolerance is not None:
        tolerance = check_positive_number("tolerance", tolerance, allow_zero=True)
    validation_split = check_fraction("validation_split", validation_split)
    check_seed(seed)
    rule = check_divergence(divergence)
    checked_callbacks = check_callbacks(callbacks)
    if not isinstance(live, bool):
        raise ValidationError(f"`live` must be True or False. Got {live!r}.")
    if live:
        checked_callbacks.append(live_display())
    if verbose:
        checked_callbacks.append(PrintProgress())
        checked_callbacks.append(GradientWarning())  # warns once if gradients vanish or explode

    l2 = check_positive_number("l2", l2, allow_zero=True)
    l1 = check_positive_number("l1", l1, allow_zero=True)
    X_all, y_all = network.prepare_data(X, y, resolved_loss)
    weights = check_sample_weight(sample_weight, X_all.shape[0])
    X_train, y_train, X_val, y_val = split_validation(
        X_all, y_all, validation_data, validation_split, network, resolved_loss
    )
    if class_weight is not None and resolved_loss.name not in ("cross_entropy", "binary_cross_entropy"):
        raise ValidationError(
            f"`class_weight` weighs classes, but {resolved_loss.name} is a regression loss. Use "
            "sample_weight to weigh rows, or a classification loss (cross_entropy, binary_cross_entropy)."
        )
    train_weights = combine_class_weight(
        class_weight, y_train, None if weights is None else weights[: X_train.shape[0]], X_train.dtype
    )

    init_seed, shuffle_seed, dropout_seed = fit_seed_sequences(seed)
    network.build(X_train.shape[1], init_seed, reseed=seed is not None)
    shuffle_rng = np.random.default_rng(shuffle_seed)
    dropout_layers = [layer for layer in network.layers if isinstance(layer, Dropout)]
    for layer, child in zip(dropout_layers, dropout_seed.spawn(len(dropout_layers)), strict=True):
        layer.set_rng(np.random.default_rng(child))  # masks from the fit seed

    trainer = _Trainer(
        network,
        resolved_loss,
        resolved_optimizer,
        rule,
        checked_callbacks,
        l2=l2,
        l1=l1,
        sample_weight=train_weights,
    )
    return trainer.run(
        X_train,
        y_train,
        X_val,
        y_val,
        epochs=epochs,
        batch_size=batch_size,
        shuffle=shuffle,
        tolerance=tolerance,
        rng=shuffle_rng,
        initial_epoch=first_epoch,
    )


class _Trainer:
    """One fit's state: the loop, the flat training buffers, the rollback and the callbacks."""

    def __init__(
        self,
        network: Sequential,
        loss: Loss,
        optimizer: Optimizer,
        rule: DivergenceRule,
        callbacks: list[Callback],
        *,
        l2: float = 0.0,
        l1: float = 0.0,
        sample_weight: np.ndarray | None = None,
    ) -> None:
        self.network = network
        self.layers = network.layers
        self.loss = loss
        self.optimizer = optimizer
        self.rule = rule
        self.callbacks = callbacks
        self.l2, self.l1 = l2, l1
        self.sample_weight = sample_weight  # (n_samples,) weights of the training rows, or None
        self.plain = not l2 and not l1 and sample_weight is None  # the batch loss is loss.value
        self.limit = rule.limit(math.inf)  # rule.limit(best) as the best loss falls; finite, so inf fails

    def run(
        self,
        X: np.ndarray,
        y: np.ndarray,
        X_val: np.ndarray | None,
        y_val: np.ndarray | None,
        *,
        epochs: int,
        batch_size: int | None,
        shuffle: bool,
        tolerance: float | None,
        rng: np.random.Generator,
        initial_epoch: int = 0,
    ) -> History:
        """Train for epochs ``initial_epoch + 1 .. epochs`` through one flat parameter array:
        the layers' arrays are views into it during the fit, and their own again after it."""
        with FlatParameters(self.network) as flat:
            # One flat array each: the optimizer updates the whole network in one step.
            self.parameters, self.gradients = [flat.parameters], [flat.gradients]
            self.rollback = Rollback(self.parameters, self.optimizer, penalised=bool(self.l1 or self.l2))
            return self._epochs(
                X,
                y,
                X_val,
                y_val,
                epochs=epochs,
                batch_size=batch_size,
                shuffle=shuffle,
                tolerance=tolerance,
                rng=rng,
                initial_epoch=initial_epoch,
            )

    def _epochs(
        self,
        X: np.ndarray,
        y: np.ndarray,
        X_val: np.ndarray | None,
        y_val: np.ndarray | None,
        *,
        epochs: int,
        batch_size: int | None,
        shuffle: bool,
        tolerance: float | None,
        rng: np.random.Generator,
        initial_epoch: int,
    ) -> History:
        network, history = self.network, History()
        network.history = history
        n = X.shape[0]
        size = n if batch_size is None else min(batch_size, n)
        starts = range(0, n, size)
        context = TrainingContext(network, self.optimizer, self.loss, history, epochs, len(starts))
        batches = (SparseBatches if is_sparse(X) else Batches)(X, y, self.sample_weight, size)
        for callback in self.callbacks:
            callback.on_train_begin(context)
        best = math.inf
        summed = self.loss.reduction == "sum"
        rollback = self.rollback
        try:
            with (
                InterruptFlag() as interrupt,
                np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"),
            ):
                rollback.first_epoch = initial_epoch + 1
                for epoch in range(initial_epoch + 1, epochs + 1):
                    rollback.epoch_started()
                    for callback in self.callbacks:
                        callback.on_epoch_begin(epoch)
                    order = rng.permutation(n) if shuffle and size < n else None
                    total = 0.0
                    for batch, start in enumerate(starts):
                        xb, yb, wb = batches.get(order, start)
                        value = self._step(xb, yb, epoch, batch, best, wb)
                        if value < best:
                            best = value
                            self.limit = self.rule.limit(best)
                        total += value if summed else value * xb.shape[0]
                        for callback in self.callbacks:
                            callback.on_batch_end(batch, value)
                        if interrupt.raised:
                            history.stop_reason = "interrupted"
                            raise KeyboardInterrupt
                    epoch_loss = total if summed else total / n
                    self._record(history, epoch, epoch_loss, X_val, y_val)
                    logs = {"loss": epoch_loss}
                    if X_val is not None:
                        logs["val_loss"] = history.val_loss[-1]
                    for callback in self.callbacks:
                        callback.on_epoch_end(epoch, logs)
                    if tolerance is not None and epoch_loss <= tolerance:
                        history.stop_reason = "tolerance"
                        break
                    if context.stop_training:
                        history.stop_reason = "callback"
                        break
                else:
                    history.stop_reason = "epochs"
        except KeyboardInterrupt:
            history.stop_reason = "interrupted"
            raise
        except DivergenceError:
            history.stop_reason = "divergence"
            raise
        except Exception:  # a callback (or the data) raised: the history says training did not finish
            history.stop_reason = "error"
            raise
        finally:
            for callback in self.callbacks:
                callback.on_train_end(history)
        return history

    def _step(
        self,
        xb: np.ndarray,
        yb: np.ndarray,
        epoch: int,
        batch: int,
        best: float,
        wb: np.ndarray | None = None,
    ) -> float:
        """One training step on a batch: forward, loss, divergence check, backward, update."""
        network, loss = self.network, self.loss
        output = forward(self.layers, xb, training=True)
        if self.plain:  # the data loss alone: inside this loop's errstate, shapes prepared by fit
            value = loss.value_in_training(output, yb)
        else:
            value = regularisation.batch_loss_value(
                network, loss, output, yb, l2=self.l2, sample_weight=wb, l1=self.l1
            )
        # One comparison per step: false for NaN, inf and anything above the rule's limit.
        if not value <= self.limit and self.rule.diverged(value, best):
            self.rollback.fail(value, epoch, batch)
        if self.plain:  # backprop's two parts directly: what backpropagate_batch does without penalties
            grad, fused = output_gradient(loss, output, yb)
            backward(self.layers, grad, from_preactivation=fused, input_gradient=False)
        else:
            regularisation.backpropagate_batch(
                network, loss, output, yb, l2=self.l2, sample_weight=wb, l1=self.l1
            )
        self.optimizer.step(self.parameters, self.gradients)
        return value

    def _record(
        self,
        history: History,
        epoch: int,
        epoch_loss: float,
        X_val: np.ndarray | None,
        y_val: np.ndarray | None,
    ) -> None:
        history.epoch.append(epoch)
        history.loss.append(epoch_loss)
        history.learning_rate.append(self.optimizer.learning_rate)
        history.gradient_norms.append(
            [float(np.linalg.norm(layer.weight_and_gradient()[1])) for layer in self.network.weighted_layers]
        )
        if X_val is not None and y_val is not None:
            history.val_loss.append(self.loss.value(forward(self.layers, X_val, training=False), y_val))
