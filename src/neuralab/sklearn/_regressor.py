"""NeuralRegressor: 1-D or 2-D real targets."""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin

from ..errors import ValidationError
from ._base import ACCEPT_SPARSE, _NeuralEstimator


class NeuralRegressor(RegressorMixin, _NeuralEstimator):
    """A feedforward network regressor (scikit-learn API), 1-D or 2-D targets.

    See ``_NeuralEstimator`` for the parameters and ``NeuralClassifier`` for the fitted
    attributes (all but ``classes_``). ``predict`` returns the shape of the y given to fit,
    in the network's dtype (float32 predictions from ``dtype="float32"``).

    Examples
    --------
    >>> import numpy as np
    >>> from neuralab.sklearn import NeuralRegressor
    >>> X = np.linspace(-1, 1, 40).reshape(-1, 1)
    >>> reg = NeuralRegressor(hidden_layer_sizes=(8,), epochs=20, random_state=0).fit(X, 2 * X[:, 0])
    >>> reg.predict(X[:3]).shape
    (3,)
    """

    def _output_spec(self, y) -> tuple[int, str, str]:
        output = "linear" if self.output_activation == "auto" else self.output_activation
        loss = "mse" if self.loss == "auto" else self.loss
        return (1 if y.ndim == 1 else y.shape[1]), output, loss

    def _validate(self, X, y, reset):
        return self._validated(
            X, y, reset=reset, multi_output=True, y_numeric=True, accept_sparse=ACCEPT_SPARSE
        )

    def _check_targets(self, y) -> None:
        if (y.ndim == 1) != self._y_1d or (y.ndim == 2 and y.shape[1] != self.network_.output_dim):
            expected = "(n_samples,)" if self._y_1d else f"(n_samples, {self.network_.output_dim})"
            raise ValidationError(
                f"This regressor was trained on y of shape {expected}; got {y.shape}. Give y of the same "
                "shape, or train a new one (fit without warm_start)."
            )

    def fit(self, X, y, sample_weight=None) -> NeuralRegressor:
        """Train on X (n_samples, n_features) and y (n_samples,) or (n_samples, n_targets).

        ``sample_weight`` (n_samples,) weighs each sample's loss term. With ``warm_start`` a
        fitted regressor continues from its weights (same number of targets).
        """
        warm = self._warm()
        X, y = self._validate(X, y, reset=not warm)
        if warm:
            self._check_targets(y)
        sample_weight = self._sample_weight(sample_weight, X)
        self._y_1d = y.ndim == 1
        self._prepare(X, *self._output_spec(y), warm=warm)
        self._train(X, y, sample_weight, epochs=self.epochs, incremental=False)
        return self

    def partial_fit(self, X, y, sample_weight=None) -> NeuralRegressor:
        """One epoch over (X, y), continuing the weights and optimizer state of earlier calls.

        Refused with ``early_stopping=True``.
        """
        if self.early_stopping:
            self._train(None, None, None, epochs=1, incremental=True)  # raises the refusal
        first = not hasattr(self, "network_")
        X, y = self._validate(X, y, reset=first)
        if first:
            self._y_1d = y.ndim == 1
            self._prepare(X, *self._output_spec(y), warm=False)
        else:
            self._check_targets(y)
        self._train(X, y, self._sample_weight(sample_weight, X), epochs=1, incremental=True)
        return self

    def predict(self, X) -> np.ndarray:
        """Predictions, shape (n_samples,) or (n_samples, n_targets) like the y given to fit."""
        output = self._forward(X)
        return output[:, 0] if self._y_1d else output

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.input_tags.sparse = True
        return tags
