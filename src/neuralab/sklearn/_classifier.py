"""NeuralClassifier: single-label (binary, multiclass) and multilabel classification."""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.utils.multiclass import (
    _check_partial_fit_first_call,
    check_classification_targets,
    type_of_target,
)
from sklearn.utils.validation import check_is_fitted, column_or_1d

from ..activations import get_activation
from ..errors import ValidationError
from ._base import ACCEPT_SPARSE, _NeuralEstimator


class NeuralClassifier(ClassifierMixin, _NeuralEstimator):
    """A feedforward network classifier (scikit-learn API). See ``_NeuralEstimator`` for parameters.

    ``y`` is a vector of labels (two classes: one sigmoid unit and binary cross-entropy;
    more: softmax and cross-entropy), or a multilabel indicator matrix of 0/1 of shape
    (n_samples, n_labels): one sigmoid unit per label and binary cross-entropy averaged over
    samples and labels, so that each label is its own logistic output on shared hidden
    layers. ``predict`` then returns a 0/1 matrix (a label is on when its probability is
    above 0.5) and ``predict_proba`` the per-label probabilities, which need not sum to 1.

    Attributes
    ----------
    network_ : Sequential
    history_ : History (of the last fit / partial_fit call)
    loss_curve_, validation_loss_curve_ : list of float (validation: None without early stopping)
    best_loss_ : float or None
        The lowest training loss seen by the ``tol`` rule (None with early stopping).
    classes_ : ndarray of shape (n_classes,)
        The sorted labels; for multilabel y, ``arange(n_labels)`` (as scikit-learn reports it).
    n_features_in_ : int
    feature_names_in_ : ndarray of str (only when X had string column names)
    n_iter_ : int
        Epochs run in total since the network was created (warm starts and partial_fit
        calls add to it; scikit-learn counts only the last call's).

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from neuralab.sklearn import NeuralClassifier
    >>> X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    >>> clf = NeuralClassifier(hidden_layer_sizes=(8,), epochs=30, random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    """

    def _output_spec(self, n_outputs: int) -> tuple[int, str, str]:
        """(units, output activation, loss) for ``n_outputs`` classes or labels."""
        if self._multilabel:
            output = "sigmoid" if self.output_activation == "auto" else self.output_activation
            if get_activation(output).name != "sigmoid":
                raise ValidationError(
                    f"Multilabel y needs one sigmoid output per label (each label is on or off on its "
                    f"own); output_activation={self.output_activation!r} cannot give that. Use "
                    "output_activation='auto'."
                )
            return n_outputs, output, "binary_cross_entropy" if self.loss == "auto" else self.loss
        output = self.output_activation
        if output == "auto":
            output = "sigmoid" if n_outputs == 2 else "softmax"
        name = get_activation(output).name
        loss = self.loss
        if loss == "auto":
            loss = {"sigmoid": "binary_cross_entropy", "softmax": "cross_entropy"}.get(name, "mse")
        return (1 if n_outputs == 2 and name == "sigmoid" else n_outputs), output, loss

    def _targets(self, y_indices: np.ndarray) -> np.ndarray:
        """The network's targets: 0/1 per label, class indices for 1 unit or cross_entropy, else one-hot."""
        if self._multilabel:
            return y_indices.astype(np.float64)
        if self._n_outputs == 1:
            return y_indices.astype(np.float64)
        if self._loss in ("cross_entropy", "categorical_cross_entropy"):
            return y_indices
        return np.eye(self._n_outputs)[y_indices]

    def _validate(self, X, y, reset):
        X, y = self._validated(X, y, reset=reset, multi_output=True, accept_sparse=ACCEPT_SPARSE)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)  # a column vector is one label per row (with a warning)
        check_classification_targets(y)
        if y.ndim == 2 and type_of_target(y) != "multilabel-indicator":
            raise ValidationError(
                f"A 2-D y must be a multilabel indicator matrix of 0/1 (n_samples, n_labels); this one is "
                f"{type_of_target(y)}. Give one label per row as a 1-D y, or binarize each output "
                "(sklearn.preprocessing.MultiLabelBinarizer)."
            )
        return X, y

    def _encode(self, y) -> np.ndarray:
        """Class indices of ``y`` (single-label), or y itself as 0/1 (multilabel)."""
        if self._multilabel:
            if y.ndim != 2 or y.shape[1] != len(self.classes_):
                raise ValidationError(
                    f"This classifier was trained on multilabel y with {len(self.classes_)} labels; give y "
                    f"as a 0/1 matrix of shape (n_samples, {len(self.classes_)}). Got shape {y.shape}."
                )
            return y
        if y.ndim == 2:
            raise ValidationError(
                "This classifier was trained on one label per row; it cannot continue on multilabel y. "
                "Train a new one (fit without warm_start)."
            )
        unknown = np.setdiff1d(y, self.classes_)
        if unknown.size:
            raise ValidationError(
                f"`y` has labels {unknown.tolist()} that are not in classes_ {self.classes_.tolist()}. "
                "Pass every class in `classes` on the first partial_fit call."
            )
        return np.searchsorted(self.classes_, y)

    def _set_classes(self, y) -> None:
        """``classes_`` and ``_multilabel`` from the y of a fresh fit."""
        self._multilabel = y.ndim == 2
        self.classes_ = np.arange(y.shape[1]) if self._multilabel else np.unique(y)
        if len(self.classes_) < 2 and not self._multilabel:
            raise ValidationError(
                "The classifier needs samples of at least two classes; "
                f"y has only one class, {self.classes_[0]!r}."
            )

    def _setup(self, X, warm: bool) -> None:
        n_outputs, output, loss = self._output_spec(len(self.classes_))
        self._n_outputs = n_outputs
        self._prepare(X, n_outputs, output, loss, warm=warm)

    def fit(self, X, y, sample_weight=None) -> NeuralClassifier:
        """Train on X (n_samples, n_features) and labels y (n_samples,) or 0/1 y (n_samples, n_labels).

        ``sample_weight`` (n_samples,) weighs each sample's loss term. With ``warm_start`` a
        fitted classifier continues from its weights; y must have the same classes.
        """
        warm = self._warm()
        X, y = self._validate(X, y, reset=not warm)
        if warm:
            previous, multilabel = self.classes_, self._multilabel
            self._set_classes(y)
            if self._multilabel != multilabel or not np.array_equal(self.classes_, previous):
                got = self.classes_
                self.classes_, self._multilabel = previous, multilabel
                raise ValidationError(
                    "warm_start can only be used where `y` has the same classes as in the previous call "
                    f"to fit. Previously got {previous}, `y` has {got}. Set warm_start=False to train a "
                    "new network."
                )
        else:
            self._set_classes(y)
        sample_weight = self._sample_weight(sample_weight, X)
        y_indices = self._encode(y)
        self._setup(X, warm)
        self._train(
            X,
            self._targets(y_indices),
            sample_weight,
            epochs=self.epochs,
            incremental=False,
            stratify=None if self._multilabel else y_indices,
        )
        return self

    def partial_fit(self, X, y, sample_weight=None, classes=None) -> NeuralClassifier:
        """One epoch over (X, y), continuing the weights and optimizer state of earlier calls.

        ``classes`` (every label that will ever appear; for multilabel y, one entry per
        label column) is required on the first call. Refused with ``early_stopping=True``.
        """
        if self.early_stopping:
            self._train(None, None, None, epochs=1, incremental=True)  # raises the refusal
        first = not hasattr(self, "network_")
        X, y = self._validate(X, y, reset=first)
        if _check_partial_fit_first_call(self, classes) or first:
            self._multilabel = y.ndim == 2
            if self._multilabel:
                if len(self.classes_) != y.shape[1]:
                    raise ValidationError(
                        f"For multilabel y, `classes` lists one entry per label column: y has "
                        f"{y.shape[1]} columns, `classes` has {len(self.classes_)}."
                    )
                self.classes_ = np.arange(y.shape[1])
            elif len(self.classes_) < 2:
                raise ValidationError("`classes` must list at least two classes for a classifier.")
            self._setup(X, warm=False)
        y_indices = self._encode(y)
        self._train(
            X, self._targets(y_indices), self._sample_weight(sample_weight, X), epochs=1, incremental=True
        )
        return self

    def predict_proba(self, X) -> np.ndarray:
        """Probabilities, shape (n_samples, n_classes) in classes_ order, in the network's dtype.

        Single-label rows sum to 1; multilabel columns are each label's own probability.
        """
        output = self._forward(X)
        if self._n_outputs == 1 and not self._multilabel:
            return np.hstack([1 - output, output])
        return output

    def predict_log_proba(self, X) -> np.ndarray:
        r"""The natural log of ``predict_proba(X)``, computed from the output layer's z.

        Softmax: :math:`\log p_k = z_k - \log \sum_j e^{z_j}`; sigmoid:
        :math:`\log p = -\log(1 + e^{-z})` and :math:`\log(1 - p) = -\log(1 + e^{z})`. So it
        stays finite where a probability rounds to 0 or 1 (``np.log(predict_proba)`` would give
        -inf there). Other output activations: ``np.log(predict_proba(X))``.
        """
        check_is_fitted(self)
        activation = self.network_.layers[-1].activation
        name = None if activation is None else activation.name
        if name not in ("softmax", "sigmoid"):
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.log(self.predict_proba(X))
        z = self._preactivation(X)
        if name == "softmax":
            shifted = z - z.max(axis=1, keepdims=True)
            return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        log_on = -np.logaddexp(0, -z)
        if self._n_outputs == 1 and not self._multilabel:
            return np.hstack([-np.logaddexp(0, z), log_on])
        return log_on

    def predict(self, X) -> np.ndarray:
        """Labels, shape (n_samples,); for multilabel y a 0/1 matrix (n_samples, n_labels)."""
        probabilities = self.predict_proba(X)  # checks fitted before classes_ is read
        if self._multilabel:
            return (probabilities > 0.5).astype(np.int64)
        return self.classes_[np.argmax(probabilities, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        tags.input_tags.sparse = True
        return tags
