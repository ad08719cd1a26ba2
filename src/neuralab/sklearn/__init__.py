"""scikit-learn estimators around the engine: ``NeuralClassifier`` and ``NeuralRegressor``.

They build a ``Sequential`` of Dense layers from constructor hyperparameters and train it
with ``Sequential.fit`` (loss, optimizer, L2, sample weights, early stopping and the ``tol``
rule as callbacks), so they work in ``Pipeline``, ``GridSearchCV`` and
``cross_val_score``. Standardising the inputs is the pipeline's job:
``make_pipeline(StandardScaler(), NeuralClassifier())``.

Output layer and loss ("auto"):

- classification with 2 classes: one sigmoid unit + binary_cross_entropy,
  p(class 1) = sigmoid(z);
- classification with K > 2 classes: K softmax units + cross_entropy;
- multilabel classification (y a 0/1 matrix with L columns): L sigmoid units +
  binary_cross_entropy, one independent probability per label;
- regression: linear units (one per target column) + mse.

X may be a ``scipy.sparse`` CSR/CSC matrix in ``fit``, ``partial_fit`` and every predict
method; it is never densified.
"""

from ._classifier import NeuralClassifier
from ._regressor import NeuralRegressor

__all__ = ["NeuralClassifier", "NeuralRegressor"]
