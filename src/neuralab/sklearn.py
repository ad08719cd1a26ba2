"""scikit-learn estimators around the engine: ``NeuralClassifier`` and ``NeuralRegressor``.

They build a ``Sequential`` of Dense layers from constructor hyperparameters and train it
with ``Sequential.fit`` (loss, optimizer, L2, early stopping as a callback), so they work
in ``Pipeline``, ``GridSearchCV`` and ``cross_val_score``. Standardising the inputs is the
pipeline's job: ``make_pipeline(StandardScaler(), NeuralClassifier())``.

Output layer and loss ("auto"):

- classification with 2 classes: one sigmoid unit + binary_cross_entropy,
  p(class 1) = sigmoid(z);
- classification with K > 2 classes: K softmax units + cross_entropy;
- regression: linear units (one per target column) + mse.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import _check_partial_fit_first_call, check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from .activations import get_activation
from .callbacks import EarlyStopping
from .dropout import Dropout
from .errors import ValidationError
from .layers import Dense
from .network import Sequential
from .optimizers import SGD, Optimizer, get_optimizer

__all__ = ["NeuralClassifier", "NeuralRegressor"]


class _NeuralEstimator(BaseEstimator):
    """Shared hyperparameters, network construction and the fit / partial_fit loop.

    Parameters
    ----------
    hidden_layer_sizes : int or sequence of int, default (32,)
        Units of each hidden layer; ``()`` gives no hidden layer (a linear/logistic model).
    activation : str, Activation or sequence of them, default "relu"
        One activation for every hidden layer, or one per hidden layer. ``binary_step`` is
        refused at fit (NotTrainableError): its derivative is zero everywhere.
    output_activation : str, default "auto"
        "auto" picks sigmoid (2 classes), softmax (more) or linear (regression).
    loss : str, default "auto"
        "auto" picks binary_cross_entropy, cross_entropy or mse to match.
    optimizer : str or Optimizer, default "adam"
        "gd", "sgd", "momentum", "nesterov", "adam", "rmsprop", or an Optimizer object
        (copied at fit; ``learning_rate``/``momentum`` are then ignored).
    learning_rate : float, default 0.001
    momentum : float, default 0.9
        Used by "momentum" and "nesterov" (and "sgd" when > 0 is wanted, pass "momentum").
    epochs : int, default 200
        Passes over the training data in ``fit``; ``partial_fit`` runs one per call.
    batch_size : int or None, default 32
        None for full-batch gradient descent.
    early_stopping : bool, default False
        Hold out ``validation_fraction`` of the training rows (stratified for classifiers)
        and stop when the validation loss has not improved for ``patience`` epochs,
        restoring the best weights.
    patience : int, default 10
    validation_fraction : float, default 0.1
    l2 : float, default 0.0
        L2 penalty strength lambda (``lambda/2 * sum W^2``).
    dropout : float, default 0.0
        Rate of a Dropout layer after each hidden layer (0: none); off in predict.
    dtype : "float32" or "float64", default "float64"
    random_state : int, RandomState or None
        Seeds the initial weights, the shuffling and the validation split.
    verbose : int, default 0
    """

    def __init__(self, hidden_layer_sizes=(32,), activation="relu", *, output_activation="auto",
                 loss="auto", optimizer="adam", learning_rate=0.001, momentum=0.9, epochs=200,
                 batch_size=32, early_stopping=False, patience=10, validation_fraction=0.1, l2=0.0,
                 dropout=0.0, dtype="float64", random_state=None, verbose=0):
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
        self.l2 = l2
        self.dropout = dropout
        self.dtype = dtype
        self.random_state = random_state
        self.verbose = verbose

    # -- construction -----------------------------------------------------------------
    def _hidden_sizes(self) -> list[int]:
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, (int, np.integer)) and not isinstance(sizes, bool):
            return [int(sizes)]
        if not isinstance(sizes, Sequence) or isinstance(sizes, str):
            raise ValidationError(
                f"`hidden_layer_sizes` must be an int or a sequence of ints, e.g. (64, 32). Got {sizes!r}."
            )
        return list(sizes)

    def _hidden_activations(self, n_hidden: int) -> list:
        activation = self.activation
        if isinstance(activation, str) or not isinstance(activation, Sequence):
            return [activation] * n_hidden
        activation = list(activation)
        if len(activation) != n_hidden:
            raise ValidationError(
                f"`activation` lists {len(activation)} activations for {n_hidden} hidden layers. "
                "Give one name for all of them, or exactly one per hidden layer."
            )
        return activation

    def _build_network(self, n_outputs: int, output_activation: str) -> Sequential:
        sizes = self._hidden_sizes()
        activations = self._hidden_activations(len(sizes))
        layers = []
        for units, act in zip(sizes, activations, strict=True):
            layers.append(Dense(units, get_activation(act)))
            if self.dropout:
                layers.append(Dropout(self.dropout))  # the rate is checked by Dropout
        layers.append(Dense(n_outputs, output_activation))
        return Sequential(layers, dtype=self.dtype)

    def _build_optimizer(self) -> Optimizer:
        if isinstance(self.optimizer, Optimizer):
            return copy.deepcopy(self.optimizer)
        if self.optimizer in ("momentum", "nesterov"):
            return SGD(self.learning_rate, momentum=self.momentum, nesterov=self.optimizer == "nesterov")
        return get_optimizer(self.optimizer, learning_rate=self.learning_rate)

    def _seed(self) -> int:
        return int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))

    # -- training ---------------------------------------------------------------------
    def _start(self, X, y_encoded) -> None:
        """Fresh network, optimizer and curves for ``fit`` or a first ``partial_fit``."""
        n_outputs, output_activation, self._loss = self._output_spec(y_encoded)
        self._seed_ = self._seed()
        self.network_ = self._build_network(n_outputs, output_activation)
        self._optimizer = self._build_optimizer()
        self.loss_curve_, self.validation_loss_curve_ = [], None
        self.n_iter_ = 0

    def _train(self, X, y_encoded, *, epochs: int, validation: bool) -> None:
        options = {"loss": self._loss, "optimizer": self._optimizer, "batch_size": self.batch_size,
                   "l2": self.l2, "verbose": self.verbose, "epochs": self.n_iter_ + epochs,
                   "initial_epoch": self.n_iter_, "seed": self._seed_ + self.n_iter_}
        if validation:
            fraction = self.validation_fraction
            if isinstance(fraction, bool) or not isinstance(fraction, Real) or not 0 < fraction < 1:
                raise ValidationError(
                    f"validation_fraction must be a number strictly between 0 and 1 when early_stopping "
                    f"is on (the share of rows held out). Got {fraction!r}."
                )
            stratify = y_encoded if self._stratify else None
            X, X_val, y_encoded, y_val = train_test_split(
                X, y_encoded, test_size=self.validation_fraction, random_state=self._seed_, stratify=stratify)
            options["validation_data"] = (X_val, y_val)
            options["callbacks"] = [EarlyStopping(patience=self.patience, restore_best_weights=True)]
        self.history_ = self.network_.fit(X, y_encoded, **options)
        self.loss_curve_ = self.loss_curve_ + list(self.history_.loss)
        if validation:
            self.validation_loss_curve_ = list(self.history_.val_loss)
        self.n_iter_ += self.history_.epochs_run

    def _forward(self, X) -> np.ndarray:
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return np.asarray(self.network_.predict(X), dtype=np.float64)


class NeuralClassifier(ClassifierMixin, _NeuralEstimator):
    """A feedforward network classifier (scikit-learn API). See ``_NeuralEstimator`` for parameters.

    Attributes
    ----------
    network_ : Sequential
    history_ : History (of the last fit / partial_fit call)
    loss_curve_, validation_loss_curve_ : list of float (validation: None without early stopping)
    classes_ : ndarray of shape (n_classes,)
    n_features_in_ : int
    feature_names_in_ : ndarray of str (only when X had string column names)
    n_iter_ : int
        Epochs run in total.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from neuralab.sklearn import NeuralClassifier
    >>> X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    >>> clf = NeuralClassifier(hidden_layer_sizes=(8,), epochs=30, random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    """

    _stratify = True

    def _output_spec(self, y_encoded):
        n_classes = len(self.classes_)
        output = "sigmoid" if self.output_activation == "auto" and n_classes == 2 else (
            "softmax" if self.output_activation == "auto" else self.output_activation)
        loss = self.loss
        if loss == "auto":
            loss = {"sigmoid": "binary_cross_entropy", "softmax": "cross_entropy"}.get(
                get_activation(output).name, "mse")
        n_outputs = 1 if n_classes == 2 and get_activation(output).name == "sigmoid" else n_classes
        self._n_outputs = n_outputs
        return n_outputs, output, loss

    def _targets(self, y_indices: np.ndarray) -> np.ndarray:
        """Class indices for a 1-unit or cross_entropy output; one-hot rows otherwise."""
        if self._n_outputs == 1:
            return y_indices.astype(np.float64)
        if self._loss in ("cross_entropy", "categorical_cross_entropy"):
            return y_indices
        return np.eye(self._n_outputs)[y_indices]

    def _validate(self, X, y, reset):
        X, y = validate_data(self, X, y, reset=reset)
        check_classification_targets(y)
        return X, y

    def _encode(self, y) -> np.ndarray:
        unknown = np.setdiff1d(y, self.classes_)
        if unknown.size:
            raise ValidationError(
                f"`y` has labels {unknown.tolist()} that are not in classes_ {self.classes_.tolist()}. "
                "Pass every class in `classes` on the first partial_fit call."
            )
        return np.searchsorted(self.classes_, y)

    def fit(self, X, y) -> NeuralClassifier:
        """Train a fresh network on X (n_samples, n_features) and labels y (n_samples,)."""
        X, y = self._validate(X, y, reset=True)
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise ValidationError(
                "The classifier needs samples of at least two classes; "
                f"y has only one class, {self.classes_[0]!r}."
            )
        y_indices = self._encode(y)
        self._start(X, y_indices)
        self._train(X, self._targets(y_indices), epochs=self.epochs, validation=bool(self.early_stopping))
        return self

    def partial_fit(self, X, y, classes=None) -> NeuralClassifier:
        """One epoch over (X, y), continuing the weights and optimizer state of earlier calls.

        ``classes`` (every label that will ever appear) is required on the first call.
        """
        first = not hasattr(self, "network_")
        X, y = self._validate(X, y, reset=first)
        if _check_partial_fit_first_call(self, classes) or first:
            if len(self.classes_) < 2:
                raise ValidationError("`classes` must list at least two classes for a classifier.")
            self._start(X, None)
        y_indices = self._encode(y)
        self._train(X, self._targets(y_indices), epochs=1, validation=False)
        return self

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, shape (n_samples, n_classes), columns in the order of classes_."""
        output = self._forward(X)
        if self._n_outputs == 1:
            return np.hstack([1.0 - output, output])
        return output

    def predict(self, X) -> np.ndarray:
        """The most probable class label for each row of X."""
        probabilities = self.predict_proba(X)  # checks fitted before classes_ is read
        return self.classes_[np.argmax(probabilities, axis=1)]


class NeuralRegressor(RegressorMixin, _NeuralEstimator):
    """A feedforward network regressor (scikit-learn API), 1-D or 2-D targets.

    See ``_NeuralEstimator`` for the parameters and ``NeuralClassifier`` for the fitted
    attributes (all but ``classes_``). ``predict`` returns the shape of the y given to fit.

    Examples
    --------
    >>> import numpy as np
    >>> from neuralab.sklearn import NeuralRegressor
    >>> X = np.linspace(-1, 1, 40).reshape(-1, 1)
    >>> reg = NeuralRegressor(hidden_layer_sizes=(8,), epochs=20, random_state=0).fit(X, 2 * X[:, 0])
    >>> reg.predict(X[:3]).shape
    (3,)
    """

    _stratify = False

    def _output_spec(self, y):
        output = "linear" if self.output_activation == "auto" else self.output_activation
        loss = "mse" if self.loss == "auto" else self.loss
        return (1 if y.ndim == 1 else y.shape[1]), output, loss

    def _validate(self, X, y, reset):
        return validate_data(self, X, y, reset=reset, multi_output=True, y_numeric=True)

    def fit(self, X, y) -> NeuralRegressor:
        """Train a fresh network on X (n_samples, n_features) and y (n_samples,) or (n_samples, n_targets)."""
        X, y = self._validate(X, y, reset=True)
        self._y_1d = y.ndim == 1
        self._start(X, y)
        self._train(X, y, epochs=self.epochs, validation=bool(self.early_stopping))
        return self

    def partial_fit(self, X, y) -> NeuralRegressor:
        """One epoch over (X, y), continuing the weights and optimizer state of earlier calls."""
        first = not hasattr(self, "network_")
        X, y = self._validate(X, y, reset=first)
        if first:
            self._y_1d = y.ndim == 1
            self._start(X, y)
        self._train(X, y, epochs=1, validation=False)
        return self

    def predict(self, X) -> np.ndarray:
        """Predictions, shape (n_samples,) or (n_samples, n_targets) like the y given to fit."""
        output = self._forward(X)
        return output[:, 0] if self._y_1d else output

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
