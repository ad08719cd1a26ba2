"""What NeuralClassifier and NeuralRegressor share: the hyperparameters, the network they
build, and one training call (``fit``, a warm start, ``partial_fit``) through ``Sequential.fit``.
"""

from __future__ import annotations

import copy
import math
import warnings
from collections.abc import Sequence
from numbers import Real
from typing import cast

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.validation import _check_sample_weight, check_is_fitted

from .._sparse import SparseInputDense
from ..activations import get_activation
from ..callbacks import Callback, EarlyStopping
from ..dropout import Dropout
from ..errors import DivergenceError, InvalidParameterError, ValidationError
from ..history import History
from ..layers import Dense
from ..network import Sequential
from ..optimizers import SGD, Optimizer, get_optimizer
from ._columns import FrameColumns

#: What ``validate_data`` accepts for X: dense arrays, DataFrames, and CSR/CSC matrices (other
#: sparse formats are converted to CSR). Sparse X is never densified (see ``neuralab._sparse``).
ACCEPT_SPARSE = ["csr", "csc"]


class _LossPlateau(Callback):
    r"""scikit-learn's stopping rule on the training loss (``tol``, ``n_iter_no_change``).

    After each epoch with loss :math:`L`: the count of epochs without improvement grows by
    one when :math:`L > L_{best} - tol` and returns to 0 otherwise; then
    :math:`L_{best} = \min(L_{best}, L)`. Training stops once the count exceeds
    ``n_iter_no_change``, i.e. after ``n_iter_no_change + 1`` epochs in a row that did not
    lower the best loss by at least ``tol``. ``best`` and ``count`` start from the
    estimator's ``best_loss_`` and ``_no_improvement_count``, and go back to them after the
    fit, so a warm start continues them, as scikit-learn's MLP does.
    """

    def __init__(self, tol: float, n_iter_no_change: float, best: float | None, count: int):
        self.tol, self.n_iter_no_change = tol, n_iter_no_change
        self.best = math.inf if best is None else best  # None: the previous fit used early stopping
        self.count = count
        self.stopped = False

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        loss = logs["loss"]
        self.count = self.count + 1 if loss > self.best - self.tol else 0
        self.best = min(self.best, loss)
        if self.count > self.n_iter_no_change:
            self.stopped = True
            self.context.stop_training = True

    def on_train_end(self, history: History) -> None:
        if self.stopped and history.stop_reason == "callback":
            history.stop_reason = "no improvement"


def _mean_one(weights: np.ndarray | None) -> np.ndarray | None:
    """Sample weights rescaled to mean 1, so that a full batch's loss is sum(w l) / sum(w).

    ``fit`` weighs each sample's loss term under the loss's 1/n; with weights of mean 1 that
    is scikit-learn's weighted mean, and integer weights act as repeated rows. Equal weights
    change nothing and give None (the unweighted path, bit for bit); weights that sum to 0 or
    are negative are left for ``fit`` to refuse with its message.
    """
    if weights is None:
        return None
    total = float(weights.sum())
    if not total > 0 or not math.isfinite(total) or (weights < 0).any():
        return weights
    if (weights == weights[0]).all():
        return None
    return weights * (weights.shape[0] / total)


class _NeuralEstimator(FrameColumns, BaseEstimator):
    """Shared hyperparameters, network construction and the fit / partial_fit loop.

    Parameters
    ----------
    hidden_layer_sizes : int or sequence of int, default (32,)
        Units of each hidden layer; ``()`` gives no hidden layer (a linear/logistic model).
    activation : str, Activation or sequence of them, default "relu"
        One activation for every hidden layer, or one per hidden layer. ``binary_step`` is
        refused at fit (NotTrainableError): its derivative is zero everywhere.
    output_activation : str, default "auto"
        "auto" picks sigmoid (2 classes, or one unit per label for multilabel y), softmax
        (more classes) or linear (regression).
    loss : str, default "auto"
        "auto" picks binary_cross_entropy, cross_entropy or mse to match.
    optimizer : str or Optimizer, default "adam"
        "gd", "sgd", "momentum", "nesterov", "adam", "rmsprop", or an Optimizer object
        (copied at fit; ``learning_rate``/``momentum`` are then ignored).
    learning_rate : float, default 0.001
    momentum : float, default 0.9
        Used by "momentum" and "nesterov" (and "sgd" when > 0 is wanted, pass "momentum").
    epochs : int, default 200
        Maximum passes over the training data in ``fit`` (scikit-learn's ``max_iter``);
        ``partial_fit`` runs one per call.
    batch_size : int or None, default 32
        None for full-batch gradient descent.
    early_stopping : bool, default False
        Hold out ``validation_fraction`` of the training rows (stratified for single-label
        classifiers), stop when the validation loss has not improved by more than ``tol``
        for ``patience`` epochs, and restore the best weights. A divergence (NaN or
        exploding loss) after the first epoch then ends training with the best weights and
        a ``ConvergenceWarning`` instead of a ``DivergenceError``. The held-out part must
        have at least 2 rows (ValueError otherwise, as in scikit-learn), and ``partial_fit``
        is refused: it trains on the rows it is given, with no validation split.
    patience : int, default 10
        Epochs without improvement of the validation loss before early stopping stops.
    validation_fraction : float, default 0.1
    tol : float, default 1e-4
        The improvement that counts (scikit-learn's meaning). Without early stopping, an
        epoch improves when its training loss is below the best so far minus ``tol``;
        training stops after ``n_iter_no_change + 1`` epochs in a row without improvement.
        With early stopping, the validation loss must fall by more than ``tol``.
    n_iter_no_change : int or float, default 10
        Epochs without improvement of the training loss that are tolerated (without early
        stopping); ``np.inf`` always runs all ``epochs``.
    warm_start : bool, default False
        ``fit`` continues from the weights of the previous ``fit`` (with a fresh optimizer,
        as scikit-learn does) instead of a new network, for ``epochs`` more epochs. The
        architecture, the number of features and the classes must be unchanged.
    l2 : float, default 0.0
        L2 penalty strength lambda (``lambda/2 * sum W^2``).
    dropout : float, default 0.0
        Rate of a Dropout layer after each hidden layer (0: none); off in predict.
    dtype : "float32" or "float64", default "float64"
        Precision of the network; predictions and probabilities come in this dtype.
    random_state : int, RandomState or None
        Seeds the initial weights, the shuffling and the validation split.
    verbose : int, default 0
    missing : "impute", "drop" or "error", default "impute"
        What a DataFrame X's missing cells get (arrays are scikit-learn's business: NaN is
        refused): the fit rows' median / most frequent value; "drop" leaves rows with a gap
        out of fit (predict then refuses gaps: it answers every row); "error" refuses gaps.
    max_categories : int, default 20
        The most distinct values a text column of a DataFrame X may have to be one-hot encoded.
    live : bool, default False
        ``fit`` draws the training while it runs (``neuralab.fit(live=True)``): in a Jupyter
        notebook the loss curves and the per-layer gradient flow in one output area, elsewhere
        the terminal's progress bar. A constructor parameter, as scikit-learn keeps every
        setting of ``fit`` (``verbose`` too), so it survives ``clone`` and ``set_params``.
        ``partial_fit`` ignores it: one epoch per call would be one picture per epoch.

    Input: ``X`` is an array, a DataFrame or a ``scipy.sparse`` CSR/CSC matrix (never
    densified: the first layer multiplies the sparse rows by its weights). ``fit`` and
    ``partial_fit`` take ``sample_weight`` (n_samples,): each sample's loss term is weighted
    and the weights are rescaled to mean 1, so that a full batch minimises
    ``sum(w l) / sum(w)`` as scikit-learn does (integer weights act as repeated rows). The
    validation loss of early stopping is unweighted.

    A DataFrame X with text, categorical, boolean or date columns or missing cells gets the
    column handling of a CSV file (see ``neuralab.sklearn._columns``): gaps imputed,
    categories one-hot (an unseen one all zero, with a DataWarning), ISO dates as days since
    1970, year and day of year, every input standardised; fitted in ``fit`` and kept as
    ``preprocessor_`` (None for arrays and all-numeric, complete frames, which are used as
    they are). ``n_features_in_`` and ``feature_names_in_`` are the DataFrame's columns.
    ``early_stopping`` stays off by default, as in scikit-learn (``neuralab.Model`` and
    ``neuralab train`` stop early by default).
    """

    def __init__(
        self,
        hidden_layer_sizes=(32,),
        activation="relu",
        *,
        output_activation="auto",
        loss="auto",
        optimizer="adam",
        learning_rate=0.001,
        momentum=0.9,
        epochs=200,
        batch_size=32,
        early_stopping=False,
        patience=10,
        validation_fraction=0.1,
        tol=1e-4,
        n_iter_no_change=10,
        warm_start=False,
        l2=0.0,
        dropout=0.0,
        dtype="float64",
        random_state=None,
        verbose=0,
        missing="impute",
        max_categories=20,
        live=False,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.output_activation = output_activation
        self.loss = loss
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.epochs = epochs
        self.batch_size = batch_size
        self.early_stopping = early_stopping
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.warm_start = warm_start
        self.l2 = l2
        self.dropout = dropout
        self.dtype = dtype
        self.random_state = random_state
        self.verbose = verbose
        self.missing = missing
        self.max_categories = max_categories
        self.live = live

    # -- construction -----------------------------------------------------------------
    def _hidden_sizes(self) -> list[int]:
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, (int, np.integer)) and not isinstance(sizes, bool):
            return [int(sizes)]
        if not isinstance(sizes, Sequence) or isinstance(sizes, str):
            raise InvalidParameterError(
                f"`hidden_layer_sizes` must be an int or a sequence of ints, e.g. (64, 32). Got {sizes!r}."
            )
        return list(sizes)

    def _hidden_activations(self, n_hidden: int) -> list:
        activation = self.activation
        if isinstance(activation, str) or not isinstance(activation, Sequence):
            return [activation] * n_hidden
        activation = list(activation)
        if len(activation) != n_hidden:
            raise InvalidParameterError(
                f"`activation` lists {len(activation)} activations for {n_hidden} hidden layers. "
                "Give one name for all of them, or exactly one per hidden layer."
            )
        return activation

    def _build_network(self, n_outputs: int, output_activation: str) -> Sequential:
        sizes = self._hidden_sizes()
        activations = self._hidden_activations(len(sizes))
        layers: list = []
        for units, act in zip(sizes, activations, strict=True):
            # The first layer also multiplies sparse X (a Dense otherwise, bit for bit).
            kind = SparseInputDense if not layers else Dense
            layers.append(kind(units, get_activation(act)))
            if self.dropout:
                layers.append(Dropout(self.dropout))  # the rate is checked by Dropout
        layers.append((SparseInputDense if not layers else Dense)(n_outputs, output_activation))
        return Sequential(layers, dtype=self.dtype)

    def _build_optimizer(self) -> Optimizer:
        if isinstance(self.optimizer, Optimizer):
            return copy.deepcopy(self.optimizer)
        if self.optimizer in ("momentum", "nesterov"):
            return SGD(self.learning_rate, momentum=self.momentum, nesterov=self.optimizer == "nesterov")
        return get_optimizer(self.optimizer, learning_rate=self.learning_rate)

    def _seed(self) -> int:
        return int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))

    def _check_stopping_parameters(self) -> None:
        tol, patience_free = self.tol, self.n_iter_no_change
        if isinstance(tol, bool) or not isinstance(tol, Real) or not 0 <= float(tol) < math.inf:
            raise InvalidParameterError(
                f"`tol` must be a finite number >= 0 (the loss improvement that counts), e.g. 1e-4. "
                f"Got {tol!r}."
            )
        if (
            isinstance(patience_free, bool)
            or not isinstance(patience_free, Real)
            or not float(patience_free) > 0
        ):
            raise InvalidParameterError(
                f"`n_iter_no_change` must be a number > 0 (epochs without improvement that are "
                f"tolerated), e.g. 10, or np.inf to always run every epoch. Got {patience_free!r}."
            )

    # -- the state of a fit ------------------------------------------------------------
    def _warm(self) -> bool:
        """True when ``fit`` continues the previous fit's network (``warm_start``)."""
        return bool(self.warm_start) and hasattr(self, "network_")

    def _start(self, n_outputs: int, output_activation: str) -> None:
        """Fresh network, optimizer, curves and stopping state for ``fit`` or a first ``partial_fit``."""
        self._seed_ = self._seed()
        self.network_ = self._build_network(n_outputs, output_activation)
        self._architecture = self.network_.get_config()
        self._optimizer = self._build_optimizer()
        self.loss_curve_: list[float] = []
        self.validation_loss_curve_: list[float] | None = None
        self.n_iter_ = 0
        self.best_loss_: float | None = math.inf
        self._no_improvement_count = 0

    def _continue(self, n_outputs: int, output_activation: str) -> None:
        """A warm start: same network, a fresh optimizer (scikit-learn's warm_start semantics)."""
        wanted, have = self._build_network(n_outputs, output_activation).get_config(), self._architecture
        if wanted != have:
            raise ValidationError(
                "warm_start continues the network of the previous fit, but the architecture asked for "
                f"now ({_describe(wanted)}) differs from it ({_describe(have)}). Set warm_start=False "
                "to train a new network."
            )
        self._optimizer = self._build_optimizer()

    def _prepare(self, X, n_outputs: int, output_activation: str, loss: str, *, warm: bool) -> None:
        self._check_stopping_parameters()
        if warm:
            self._continue(n_outputs, output_activation)
        else:
            self._start(n_outputs, output_activation)
        self._loss = loss

    # -- training ---------------------------------------------------------------------
    def _split(self, X, y, sample_weight, stratify):
        """Hold out ``validation_fraction`` of the rows for early stopping (at least 2)."""
        fraction = self.validation_fraction
        if isinstance(fraction, bool) or not isinstance(fraction, Real) or not 0 < float(fraction) < 1:
            raise InvalidParameterError(
                f"validation_fraction must be a number strictly between 0 and 1 when early_stopping "
                f"is on (the share of rows held out). Got {fraction!r}."
            )
        n = X.shape[0]
        n_val = math.ceil(fraction * n)  # train_test_split's count
        if n_val < 2 or n - n_val < 1:
            raise ValidationError(
                f"The validation set is too small: early_stopping holds out validation_fraction={fraction:g} "
                f"of {n} rows, {n_val} row(s), and needs at least 2 for validation and 1 for training. "
                "Increase validation_fraction or the size of your dataset, or set early_stopping=False."
            )
        arrays = [X, y] if sample_weight is None else [X, y, sample_weight]
        parts = train_test_split(*arrays, test_size=fraction, random_state=self._seed_, stratify=stratify)
        X_train, X_val, y_train, y_val = parts[:4]
        return X_train, y_train, (None if sample_weight is None else parts[4]), X_val, y_val

    def _train(self, X, y, sample_weight, *, epochs: int, incremental: bool, stratify=None) -> None:
        """Run ``epochs`` epochs of ``Sequential.fit`` on (X, y), continuing the epoch count."""
        if incremental and self.early_stopping:
            raise ValidationError(
                "partial_fit does not support early_stopping=True: it trains one epoch on the rows it "
                "is given, with no validation split (scikit-learn refuses it too). Set "
                "early_stopping=False for partial_fit, or call fit."
            )
        validation = bool(self.early_stopping)
        options = {
            "loss": self._loss,
            "optimizer": self._optimizer,
            "batch_size": self.batch_size,
            "l2": self.l2,
            "verbose": self.verbose,
            "live": False if incremental else self.live,
            "epochs": self.n_iter_ + epochs,
            "initial_epoch": self.n_iter_,
            "seed": self._seed_ + self.n_iter_,
        }
        stopper, plateau = None, None
        if validation:
            X, y, sample_weight, X_val, y_val = self._split(X, y, sample_weight, stratify)
            options["validation_data"] = (X_val, y_val)
            stopper = EarlyStopping(patience=self.patience, min_delta=self.tol, restore_best_weights=True)
            options["callbacks"] = [stopper]
        else:  # partial_fit too, as in scikit-learn (its one epoch ends the call anyway)
            plateau = _LossPlateau(
                self.tol, self.n_iter_no_change, self.best_loss_, self._no_improvement_count
            )
            options["callbacks"] = [plateau]
        options["sample_weight"] = _mean_one(sample_weight)
        try:
            history = self.network_.fit(X, y, **options)
        except DivergenceError as error:
            diverged = self.network_.history
            if stopper is None or diverged is None or diverged.epochs_run == 0:
                raise  # without early stopping (or before a single epoch) today's error stays
            self._record(diverged, validation)
            warnings.warn(_divergence_message(error, stopper), ConvergenceWarning, stacklevel=3)
            return
        if plateau is not None:
            self.best_loss_, self._no_improvement_count = plateau.best, plateau.count
        self._record(history, validation)

    def _record(self, history: History, validation: bool) -> None:
        self.history_ = history
        self.loss_curve_ = self.loss_curve_ + list(history.loss)
        if validation:
            self.validation_loss_curve_ = (self.validation_loss_curve_ or []) + list(history.val_loss)
            self.best_loss_ = None  # as in scikit-learn: early stopping watches the validation loss
        self.n_iter_ += history.epochs_run

    def _sample_weight(self, sample_weight, X) -> np.ndarray | None:
        """``sample_weight`` as a float64 array of shape (n_samples,), or None."""
        if sample_weight is None:
            return None
        kept = getattr(self, "_kept_rows", None)  # rows of a DataFrame X left by missing="drop"
        if kept is not None and not np.isscalar(sample_weight):
            sample_weight = np.asarray(sample_weight)[kept]
        return _check_sample_weight(sample_weight, X, dtype=np.float64)

    # -- prediction -------------------------------------------------------------------
    def _check_X(self, X):
        check_is_fitted(self)
        return self._validated_X(X, accept_sparse=ACCEPT_SPARSE)

    def _forward(self, X) -> np.ndarray:
        """The network's outputs for X, shape (n_samples, n_outputs), in the network's dtype."""
        X = self._check_X(X)  # before self.network_ is read: an unfitted estimator raises NotFittedError
        return self.network_.predict(X)

    def _preactivation(self, X) -> np.ndarray:
        r"""z of the output layer, shape (n_samples, n_outputs): :math:`a_{L-1} W_L + b_L`.

        For log-probabilities that stay finite where the probabilities round to 0 or 1.
        """
        a = self._check_X(X).astype(self.network_.dtype, copy=False)
        *hidden, output = self.network_.layers
        output = cast(Dense, output)  # the output layer of an estimator's network is a Dense
        for layer in hidden:
            a = layer.forward(a)  # Dropout is the identity outside training
        z = np.asarray(a @ output.weights)
        return z + output.biases if output.use_bias else z


def _divergence_message(error: DivergenceError, stopper: EarlyStopping) -> str:
    rate = error.learning_rate
    kept = (
        f"restored the weights of epoch {stopper.best_epoch}, the best validation loss ({stopper.best:.4g})"
        if stopper.best_epoch
        else "kept the weights from before the bad step"
    )
    advice = f" Try a smaller learning_rate, e.g. {rate / 10:g}." if rate else ""
    return (
        f"Training diverged in epoch {error.epoch}: the loss reached {error.loss:.4g}. Early stopping "
        f"ended training there and {kept}.{advice}"
    )


def _describe(config: dict) -> str:
    return (
        ", ".join(
            f"{layer['units']} {layer['activation']['name']}"
            if layer.get("type") == "Dense"
            else f"dropout {layer['rate']:g}"
            for layer in config["layers"]
        )
        + f", {config['dtype']}"
    )
