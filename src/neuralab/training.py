"""The fit loop: epochs of (shuffled) batches, each a forward pass, a loss, a backward pass
and an optimizer step — the notes' iterative training process:

    1. forward propagation   2. error calculation   3. backpropagation   4. update

Every front end (API, CLI, experiments) trains through ``fit``.
"""

from __future__ import annotations

import math
import signal
import sys
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._validation import check_fraction, check_positive_int, check_positive_number, check_seed
from .callbacks import Callback, PrintProgress, TrainingContext
from .dropout import Dropout
from .errors import DivergenceError, ValidationError
from .history import History
from .losses import Loss
from .network import Sequential
from .optimizers import Optimizer, get_optimizer


@dataclass(frozen=True)
class DivergenceRule:
    """When training counts as diverged.

    A batch loss that is NaN or infinite, or that exceeds
    ``factor * max(best batch loss so far, floor)``, stops the fit with DivergenceError.
    The floor keeps a run whose loss starts near zero from a false alarm.

    Examples
    --------
    A loss more than ``factor`` times the best so far counts as diverged:
    >>> import neuralab as nl
    >>> rule = nl.DivergenceRule(factor=100)
    >>> rule.diverged(50.0, best=1.0), rule.diverged(150.0, best=1.0), rule.diverged(float("nan"), best=1.0)
    (False, True, True)
    """

    factor: float = 1e4
    floor: float = 1.0

    def __post_init__(self):
        # factor = inf is allowed: only NaN/inf losses stop the fit (what divergence=None means).
        if self.factor != math.inf:
            check_positive_number("factor", self.factor)
            if self.factor < 1:
                raise ValidationError(
                    f"DivergenceRule `factor` must be >= 1: a loss above factor x the best loss so far "
                    f"counts as diverged, so a factor of {self.factor:g} would stop a loss that is "
                    "still falling. Use e.g. 10 (strict) or 1e4 (the default)."
                )
        check_positive_number("floor", self.floor)

    def diverged(self, loss: float, best: float) -> bool:
        return not math.isfinite(loss) or loss > self.factor * max(best, self.floor)


class _InterruptFlag:
    """Turns the first Ctrl-C into a flag checked between batches (main thread only)."""

    def __init__(self):
        self.raised = False
        self._previous = None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.getsignal(signal.SIGINT)
            signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum, frame):
        if self.raised:  # a second Ctrl-C: stop at once
            raise KeyboardInterrupt
        self.raised = True

    def __exit__(self, *exc):
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
        return False


def _check_optimizer_owner(optimizer: Optimizer, network: Sequential) -> None:
    """An optimizer with state (moments, momentum, a step count) trains one network only.

    Carrying Adam's moments or a momentum buffer over to another network of the same size
    would be silently wrong; a fresh (or reset) optimizer may train any network.
    """
    owner = optimizer._network() if optimizer._network is not None else None
    if owner is not None and owner is not network and (optimizer.iterations or optimizer.state):
        raise ValidationError(
            f"This {type(optimizer).__name__} holds state from training another network (step "
            f"{optimizer.iterations}). Use a new optimizer for this network, or call optimizer.reset()."
        )
    optimizer._network = weakref.ref(network)


def _check_callbacks(callbacks: object) -> list[Callback]:
    """A list of Callback objects (a single callback or None is a mistake worth naming)."""
    if isinstance(callbacks, Callback) or callbacks is None or isinstance(callbacks, (str, bytes)):
        raise ValidationError(f"`callbacks` must be a list of callbacks, e.g. [EarlyStopping()]. "
                              f"Got {callbacks!r}.")
    try:
        callbacks = list(callbacks)
    except TypeError:
        raise ValidationError(f"`callbacks` must be a list of callbacks. Got {callbacks!r}.") from None
    for position, callback in enumerate(callbacks):
        if not isinstance(callback, Callback):
            raise ValidationError(
                f"callbacks[{position}] is {callback!r}, not a Callback. Subclass neuralab.Callback "
                "(or use EarlyStopping, StepDecay, ExponentialDecay, GradientMonitor)."
            )
    return callbacks


def _split_validation(X, y, validation_data, validation_split, network, loss):
    if validation_data is not None and validation_split:
        raise ValidationError("Give `validation_data` or `validation_split`, not both.")
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise ValidationError("`validation_data` must be a pair (X_val, y_val).")
        X_val, y_val = network.prepare_data(validation_data[0], validation_data[1], loss,
                                            names=("validation_data[0]", "validation_data[1]"))
        return X, y, X_val, y_val
    if validation_split:
        n_val = round(X.shape[0] * validation_split)
        if n_val < 1 or n_val >= X.shape[0]:
            raise ValidationError(
                f"`validation_split`={validation_split} leaves {n_val} of {X.shape[0]} samples for "
                "validation; it must leave at least one sample on each side."
            )
        # The last rows, before any shuffling (as Keras does): shuffle your data first if ordered.
        return X[:-n_val], y[:-n_val], X[-n_val:], y[-n_val:]
    return X, y, None, None


def fit(network: Sequential, X: object, y: object, *, loss: str | Loss, optimizer: str | Optimizer,
        epochs: int, batch_size: int | None = None, shuffle: bool = True,
        tolerance: float | None = None, validation_data: tuple | None = None,
        validation_split: float = 0.0, seed: int | None = None, verbose: int = 0,
        callbacks: Sequence[Callback] = (), divergence: DivergenceRule | None = DivergenceRule(),
        l2: float = 0.0, class_weight: str | dict | None = None, sample_weight: object = None,
        l1: float = 0.0,
        initial_epoch: int = 0) -> History:
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
        gradient ``lambda * W`` (see ``batch_loss_value`` and ``backpropagate_batch``).
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
    _check_optimizer_owner(resolved_optimizer, network)
    epochs = check_positive_int("epochs", epochs)
    if isinstance(initial_epoch, bool) or not isinstance(initial_epoch, (int, np.integer)) \
            or not 0 <= initial_epoch < epochs:
        raise ValidationError(
            f"`initial_epoch` must be an integer in [0, epochs) = [0, {epochs}): the epochs run are "
            f"initial_epoch+1 .. epochs. Got {initial_epoch!r}."
        )
    batch_size = check_positive_int("batch_size", batch_size, allow_none=True)
    if tolerance is not None:
        tolerance = check_positive_number("tolerance", tolerance, allow_zero=True)
    validation_split = check_fraction("validation_split", validation_split)
    check_seed(seed)
    if divergence is not None and not isinstance(divergence, DivergenceRule):
        raise ValidationError(
            f"`divergence` must be a DivergenceRule (e.g. DivergenceRule(factor=100)) or None to stop "
            f"only on NaN/inf losses. Got {divergence!r}."
        )
    rule = divergence if divergence is not None else DivergenceRule(factor=math.inf)
    callbacks = _check_callbacks(callbacks)
    if verbose:
        callbacks.append(PrintProgress())
        # Imported only here, so verbose=0 costs nothing: warns once if gradients vanish/explode.
        from .diagnostics import GradientWarning

        callbacks.append(GradientWarning())

    l2 = check_positive_number("l2", l2, allow_zero=True)
    l1 = check_positive_number("l1", l1, allow_zero=True)
    X, y = network.prepare_data(X, y, resolved_loss)
    weights = _check_sample_weight(sample_weight, X.shape[0])
    X, y, X_val, y_val = _split_validation(X, y, validation_data, validation_split, network,
                                           resolved_loss)
    if class_weight is not None and resolved_loss.name not in ("cross_entropy", "binary_cross_entropy"):
        raise ValidationError(
            f"`class_weight` weighs classes, but {resolved_loss.name} is a regression loss. Use "
            "sample_weight to weigh rows, or a classification loss (cross_entropy, binary_cross_entropy)."
        )
    weights = _combine_class_weight(class_weight, y, None if weights is None else weights[:X.shape[0]],
                                    X.dtype)

    init_seed, shuffle_seed, dropout_seed = np.random.SeedSequence(seed).spawn(3)
    network.build(X.shape[1], init_seed, reseed=seed is not None)
    shuffle_rng = np.random.default_rng(shuffle_seed)
    dropout_layers = [layer for layer in network.layers if isinstance(layer, Dropout)]
    for layer, child in zip(dropout_layers, dropout_seed.spawn(len(dropout_layers)), strict=True):
        layer.set_rng(np.random.default_rng(child))  # masks from the fit seed

    trainer = _Trainer(network, resolved_loss, resolved_optimizer, rule, callbacks, l2=l2, l1=l1,
                       sample_weight=weights)
    return trainer.run(X, y, X_val, y_val, epochs=epochs, batch_size=batch_size, shuffle=shuffle,
                       tolerance=tolerance, rng=shuffle_rng, initial_epoch=int(initial_epoch))


def _check_sample_weight(sample_weight, n):
    if sample_weight is None:
        return None
    weights = np.asarray(sample_weight)
    if weights.dtype.kind not in "biuf" or weights.shape != (n,):
        raise ValidationError(
            f"`sample_weight` must be a 1-D array of {n} numbers, one per sample. "
            f"Got shape {weights.shape} and dtype {weights.dtype}."
        )
    weights = weights.astype(np.float64)
    if not np.isfinite(weights).all() or (weights < 0).any():
        raise ValidationError("`sample_weight` must hold finite numbers >= 0.")
    return weights


def class_indices(y: np.ndarray) -> np.ndarray:
    """Class index per row of a prepared target: argmax of one-hot rows, or 0/1 of one column."""
    if y.shape[1] == 1:
        return (y[:, 0] >= 0.5).astype(np.int64)
    return np.argmax(y, axis=1)


def _combine_class_weight(class_weight, y, weights, dtype):
    """Multiply per-sample ``weights`` (or ones) by each sample's class weight."""
    if class_weight is None:
        return _nonzero(None if weights is None else weights.astype(dtype))
    n_classes = max(y.shape[1], 2)
    labels = class_indices(y)
    if isinstance(class_weight, str):
        if class_weight != "balanced":
            raise ValidationError(f"`class_weight` must be 'balanced', a dict or None. Got {class_weight!r}.")
        counts = np.bincount(labels, minlength=n_classes).astype(np.float64)
        present = counts > 0
        table = np.zeros(n_classes)
        table[present] = labels.shape[0] / (np.count_nonzero(present) * counts[present])
    elif isinstance(class_weight, dict):
        table = np.ones(n_classes)
        for key, value in class_weight.items():
            if isinstance(key, bool) or not isinstance(key, (int, np.integer)) or not 0 <= key < n_classes:
                raise ValidationError(
                    f"`class_weight` keys must be class indices 0..{n_classes - 1}. Got {key!r}."
                )
            table[int(key)] = check_positive_number(f"class_weight[{key}]", value, allow_zero=True)
    else:
        raise ValidationError(f"`class_weight` must be 'balanced', a dict or None. Got {class_weight!r}.")
    per_sample = table[labels]
    if weights is not None:
        per_sample = per_sample * weights
    return _nonzero(per_sample.astype(dtype))


def _nonzero(weights: np.ndarray | None) -> np.ndarray | None:
    """Refuse weights that are all zero: the loss would be 0 and nothing would be learned."""
    if weights is not None and not weights.any():
        raise ValidationError("Every training sample has weight 0 (sample_weight times class_weight), "
                              "so the loss is 0 and nothing can be learned. Give some samples a weight > 0.")
    return weights


def batch_loss_value(network: Sequential, loss: Loss, output: np.ndarray, target: np.ndarray, *,
                     l2: float = 0.0, sample_weight: np.ndarray | None = None, l1: float = 0.0) -> float:
    r"""The loss that training minimises on one batch: the (weighted) data loss plus the L2 penalty.

    $$
    E = L_w + \frac{\lambda}{2} \sum_{layers} \sum_{ij} W_{ij}^2, \qquad
    L_w = \sum_s w_s \, \ell_s
    $$

    where ``l_s`` is sample s's term of the loss under the loss's own normaliser (1/n for
    a mean loss, 1 for a summed one; ``Loss.sample_terms``), so that ``w = 1`` gives
    ``loss.value``. Biases are not penalised. ``l1`` adds
    \(\lambda_1 \sum_{layers} \sum_{ij} |W_{ij}|\).
    """
    if sample_weight is None:
        value = loss.value(output, target)
    else:
        value = loss.weighted_value(output, target, sample_weight)
    if l2:
        value += 0.5 * l2 * sum(float(np.vdot(layer.weights, layer.weights))
                                for layer in network.weighted_layers)
    if l1:  # + lambda1 * sum |W|, weights only
        value += l1 * sum(float(np.abs(layer.weights).sum()) for layer in network.weighted_layers)
    return value


def backpropagate_batch(network: Sequential, loss: Loss, output: np.ndarray, target: np.ndarray, *,
                        l2: float = 0.0, sample_weight: np.ndarray | None = None, l1: float = 0.0) -> None:
    """Fill every layer's gradients with those of ``batch_loss_value`` (after a forward pass).

    A sample's weight scales its row of dE/d(output) (or of the fused dE/dz); the L2 penalty
    adds ``lambda * W`` to each weight gradient.
    """
    fused = loss.output_activation is not None
    grad = loss.preactivation_gradient(output, target) if fused else loss.gradient(output, target)
    if sample_weight is not None:
        grad = grad * sample_weight.astype(grad.dtype)[:, None]
    network._backward_prepared(grad, fused, False)  # grad is already of the network's dtype
    if l2:
        for layer in network.weighted_layers:
            layer.weight_gradient += layer.weights * layer.weights.dtype.type(l2)
    if l1:  # d/dW lambda1 |W| = lambda1 sign(W); sign(0) = 0, the subgradient that keeps a zero weight
        for layer in network.weighted_layers:
            layer.weight_gradient += np.sign(layer.weights) * layer.weights.dtype.type(l1)


_LARGEST = sys.float_info.max


class _Batches:
    """Cuts one epoch into batches: slices in order, or gathered rows of a permutation.

    Shuffled rows are copied with ``np.take`` into buffers reused batch after batch: the
    batch is hot in cache for the first matrix product, and no epoch-sized copy of ``X``
    is ever made (measured on 60,000 x 784 float32: about 0.03 s per epoch over slicing,
    against about 0.4 s for ``X[order]`` once per epoch, most of it page faults).
    """

    def __init__(self, X, y, sample_weight, size):
        self.X, self.y, self.weights, self.size = X, y, sample_weight, size
        self.X_buffer = np.empty((size, X.shape[1]), dtype=X.dtype)
        self.y_buffer = np.empty((size, y.shape[1]), dtype=y.dtype)
        self.w_buffer = None if sample_weight is None else np.empty(size, dtype=sample_weight.dtype)

    def get(self, order, start):
        """Rows ``start:start + size`` of the epoch: (xb, yb, wb or None)."""
        stop = start + self.size
        weights = self.weights
        if order is None:
            return self.X[start:stop], self.y[start:stop], None if weights is None else weights[start:stop]
        rows = order[start:stop]
        count = rows.shape[0]
        full = count == self.size
        # ndarray.take, the method: numpy's function wrapper costs as much as the copy here.
        xb = self.X.take(rows, axis=0, out=self.X_buffer if full else self.X_buffer[:count])
        yb = self.y.take(rows, axis=0, out=self.y_buffer if full else self.y_buffer[:count])
        if weights is None:
            return xb, yb, None
        return xb, yb, weights.take(rows, out=self.w_buffer if full else self.w_buffer[:count])


class _Trainer:
    """One fit's state: the loop, the divergence snapshots and the callbacks."""

    def __init__(self, network, loss, optimizer, rule, callbacks, *, l2=0.0, l1=0.0, sample_weight=None):
        self.network = network
        self.loss = loss
        self.optimizer = optimizer
        self.rule = rule
        self.callbacks = callbacks
        self.fused = loss.output_activation is not None
        # One flat array each: the optimizer updates the whole network in one step.
        flat_parameters, flat_gradients = network.flat_parameters()
        self.parameters, self.gradients = [flat_parameters], [flat_gradients]
        self.l2, self.l1 = l2, l1
        self.sample_weight = sample_weight  # (n_samples,) weights of the training rows, or None
        self.plain = not l2 and not l1 and sample_weight is None  # the batch loss is loss.value
        self.first_epoch = 1  # the first epoch of this fit (initial_epoch + 1)
        # Weights at the start of this epoch and of the one before: a bad loss seen in batch
        # b > 0 came from a step of this epoch, one seen in batch 0 from the last step before.
        self.snapshots = [[p.copy() for p in self.parameters] for _ in range(2)]
        # The optimizer's state (momentum, moments, step count) at the same two moments: it goes
        # back with the weights, or the next step would be pushed by the bad one's gradients.
        self.optimizer_snapshots: list[dict | None] = [None, None]

    def run(self, X, y, X_val, y_val, *, epochs, batch_size, shuffle, tolerance, rng, initial_epoch=0):
        network, history = self.network, History()
        network.history = history
        n = X.shape[0]
        size = n if batch_size is None else min(batch_size, n)
        starts = range(0, n, size)
        context = TrainingContext(network, self.optimizer, self.loss, history, epochs, len(starts))
        batches = _Batches(X, y, self.sample_weight, size)
        for callback in self.callbacks:
            callback.on_train_begin(context)
        best = math.inf
        summed = self.loss.reduction == "sum"
        self.limit = _LARGEST  # factor * max(best, floor) as the best loss falls; finite, so inf fails
        try:
            with _InterruptFlag() as interrupt, np.errstate(over="ignore", invalid="ignore",
                                                            divide="ignore", under="ignore"):
                self.first_epoch = initial_epoch + 1
                for epoch in range(initial_epoch + 1, epochs + 1):
                    self.snapshots.reverse()
                    for saved, live in zip(self.snapshots[0], self.parameters, strict=True):
                        np.copyto(saved, live)
                    self.optimizer_snapshots = [self.optimizer.get_state(), self.optimizer_snapshots[0]]
                    for callback in self.callbacks:
                        callback.on_epoch_begin(epoch)
                    order = rng.permutation(n) if shuffle and size < n else None
                    total = 0.0
                    for batch, start in enumerate(starts):
                        xb, yb, wb = batches.get(order, start)
                        value = self._step(xb, yb, epoch, batch, best, wb)
                        if value < best:
                            best = value
                            self.limit = min(self.rule.factor * max(best, self.rule.floor), _LARGEST)
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

    def _step(self, xb, yb, epoch, batch, best, wb=None) -> float:
        network, loss = self.network, self.loss
        output = network._forward_prepared(xb, True)
        if self.plain:  # the data loss alone: inside this loop's errstate, shapes prepared by fit
            value = loss.value_in_training(output, yb)
        else:
            value = batch_loss_value(network, loss, output, yb, l2=self.l2, sample_weight=wb, l1=self.l1)
        # One comparison per step: false for NaN, inf and anything above the rule's limit.
        if not value <= self.limit and self.rule.diverged(value, best):
            self._diverge(value, epoch, batch)
        backpropagate_batch(network, loss, output, yb, l2=self.l2, sample_weight=wb, l1=self.l1)
        self.optimizer.step(self.parameters, self.gradients)
        return value

    def _diverge(self, value, epoch, batch):
        learning_rate = self.optimizer.learning_rate
        kind = "is not finite" if not math.isfinite(value) else "exploded"
        first_step = epoch == self.first_epoch and batch == 0
        if not first_step:
            restore = self.snapshots[0] if batch > 0 else self.snapshots[1]
            for live, saved in zip(self.parameters, restore, strict=True):
                np.copyto(live, saved)
            state = self.optimizer_snapshots[0] if batch > 0 else self.optimizer_snapshots[1]
            if state is not None:
                self.optimizer.set_state(state)
        if first_step:
            penalty = " and the l1/l2 penalty (it is part of the loss)" if self.l1 or self.l2 else ""
            message = (
                f"The loss {kind} ({value:.4g}) before any training step, in epoch {epoch}. "
                f"Check the inputs for huge values (standardise the features), the initial weights{penalty}."
            )
        else:
            message = (
                f"Training diverged in epoch {epoch}: the loss {kind} ({value:.4g}) with learning rate "
                f"{learning_rate:g}. Try a smaller learning rate, e.g. {learning_rate / 10:g}. "
                "The weights from before the bad step were kept."
            )
        raise DivergenceError(message, epoch=epoch, learning_rate=learning_rate, loss=value)

    def _record(self, history, epoch, epoch_loss, X_val, y_val):
        history.epoch.append(epoch)
        history.loss.append(epoch_loss)
        history.learning_rate.append(self.optimizer.learning_rate)
        history.gradient_norms.append(
            [float(np.linalg.norm(layer.weight_gradient)) for layer in self.network.weighted_layers]
        )
        if X_val is not None:
            history.val_loss.append(self.loss.value(self.network._forward_prepared(X_val), y_val))
