"""The exceptions neuralab raises: one small hierarchy rooted at `NeuralabError`.

Every message names the problem, the value expected and the fix, so that the command line
can print it in one line and a learner can act on it.

Errors about bad input also derive from the built-in exception that Python (and
scikit-learn) code catches for it: a wrong value, shape or name is a ``ValueError``, a
hyperparameter of the wrong type or value an ``InvalidParameterError`` (``ValueError`` and
``TypeError``, like scikit-learn's), a model used before training is a ``ValueError`` and
an ``AttributeError`` (like scikit-learn's ``NotFittedError``), and a loss that becomes NaN
or explodes is a ``ValueError`` (scikit-learn raises one for non-finite weights).
"""

from __future__ import annotations


class NeuralabError(Exception):
    """Base class of every error neuralab raises on purpose.

    Examples
    --------
    Catch every error neuralab raises on purpose with the base class:
    >>> import neuralab as nl
    >>> try:
    ...     nl.get_activation("relux")
    ... except nl.NeuralabError as error:
    ...     print(type(error).__name__)
    UnknownNameError
    """


class ValidationError(NeuralabError, ValueError):
    """An argument has the wrong value, type or shape.

    Examples
    --------
    >>> import neuralab as nl
    >>> try:
    ...     nl.Dense(0)
    ... except nl.ValidationError as error:
    ...     print(error)
    `units` must be a positive integer. Got 0.
    """


class InvalidParameterError(ValidationError, TypeError):
    """A hyperparameter (of an estimator) has the wrong type or value.

    Both a ValueError and a TypeError, as scikit-learn's ``InvalidParameterError`` is.

    Examples
    --------
    >>> import numpy as np
    >>> import neuralab as nl
    >>> from neuralab.sklearn import NeuralClassifier
    >>> try:
    ...     NeuralClassifier(hidden_layer_sizes="64").fit(np.zeros((4, 2)), [0, 1, 0, 1])
    ... except TypeError as error:
    ...     print(type(error).__name__, isinstance(error, ValueError))
    InvalidParameterError True
    """


class ShapeError(ValidationError):
    """An array does not have the shape the network or the loss needs.

    Examples
    --------
    >>> import neuralab as nl
    >>> net = nl.Sequential([nl.Dense(1, input_dim=2)])
    >>> try:
    ...     net.predict([[1.0, 2.0, 3.0]])
    ... except nl.ShapeError as error:
    ...     print(type(error).__name__, isinstance(error, nl.ValidationError))
    ShapeError True
    """


class NonFiniteError(ValidationError):
    """An input array holds NaN or infinity.

    Examples
    --------
    >>> import neuralab as nl
    >>> net = nl.Sequential([nl.Dense(1, input_dim=1)])
    >>> try:
    ...     net.predict([[float("nan")]])
    ... except nl.NonFiniteError as error:
    ...     print(type(error).__name__)
    NonFiniteError
    """


class UnknownNameError(ValidationError, KeyError):
    """A name (activation, loss, optimizer, initializer) is not in its registry.

    Examples
    --------
    >>> import neuralab as nl
    >>> try:
    ...     nl.get_loss("cross_entropi")
    ... except nl.UnknownNameError as error:
    ...     print(type(error).__name__)
    UnknownNameError
    """

    def __str__(self) -> str:  # KeyError would quote the message; keep it readable
        return str(self.args[0]) if self.args else ""


class IncompatibleLossError(ValidationError):
    """A loss is paired with an output activation it cannot be used with.

    Examples
    --------
    Cross-entropy needs a softmax output layer; after a linear one it is refused:
    >>> import neuralab as nl
    >>> net = nl.Sequential([nl.Dense(2, "linear", input_dim=2)])
    >>> try:
    ...     net.fit([[0.0, 1.0]], [1], loss="cross_entropy", optimizer="sgd", epochs=1)
    ... except nl.IncompatibleLossError as error:
    ...     print(type(error).__name__)
    IncompatibleLossError
    """


class OutputError(NeuralabError, OSError):
    """A file or folder cannot be written where asked (missing or read-only folder, a folder
    where a file should go, a file where a folder should go).

    Examples
    --------
    >>> import tempfile
    >>> import numpy as np
    >>> import neuralab as nl
    >>> from neuralab.data import Table
    >>> X = np.linspace(-1, 1, 20).reshape(-1, 1)
    >>> model = nl.Model.for_data(Table.from_arrays(X, 2 * X[:, 0], target_name="y"), "y", hidden=(2,))
    >>> _ = model.fit(Table.from_arrays(X, 2 * X[:, 0], target_name="y"), epochs=1, seed=0)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     try:
    ...         nl.save(model, folder)         # a folder, not a file name
    ...     except nl.OutputError as error:
    ...         print(type(error).__name__, isinstance(error, OSError))
    OutputError True
    """


class NotTrainableError(NeuralabError, ValueError):
    """The network cannot be trained by gradient descent (e.g. a binary_step layer).

    Examples
    --------
    >>> import neuralab as nl
    >>> net = nl.Sequential([nl.Dense(2, "binary_step", input_dim=1), nl.Dense(1, "sigmoid")])
    >>> try:
    ...     net.fit([[0.5]], [1], loss="binary_cross_entropy", optimizer="sgd", epochs=1)
    ... except nl.NotTrainableError as error:
    ...     print(type(error).__name__)
    NotTrainableError
    """


class NotBuiltError(NeuralabError, ValueError, AttributeError):
    """The network's weights do not exist yet (input size unknown).

    Examples
    --------
    >>> import neuralab as nl
    >>> net = nl.Sequential([nl.Dense(3), nl.Dense(1)])    # no input_dim: no weights yet
    >>> try:
    ...     net.get_weights()
    ... except nl.NotBuiltError as error:
    ...     print(type(error).__name__)
    NotBuiltError
    """


class NotFittedError(NeuralabError, ValueError, AttributeError):
    """A model is used (predict, evaluate) before it was ever trained: its weights are random.

    Examples
    --------
    >>> import numpy as np
    >>> import neuralab as nl
    >>> from neuralab.data import Table
    >>> X = np.linspace(-1, 1, 20).reshape(-1, 1)
    >>> table = Table.from_arrays(X, np.where(X[:, 0] > 0, "up", "down"), target_name="side")
    >>> model = nl.Model.for_data(table, "side", hidden=(4,))
    >>> try:
    ...     model.predict(table)
    ... except nl.NotFittedError as error:
    ...     print(type(error).__name__)
    NotFittedError
    """


class DivergenceError(NeuralabError, ValueError):
    """The loss became NaN, infinite or exploded during training.

    A ValueError too: the cause is a value (a learning rate too large, inputs not scaled),
    and scikit-learn raises ValueError when its solver produces non-finite weights.

    Attributes
    ----------
    epoch : int
        The (1-based) epoch in which the bad loss was seen.
    learning_rate : float or None
        The optimizer's learning rate at that moment.
    loss : float
        The loss value that triggered the stop.

    Examples
    --------
    Tutorial 1's learning rate 1.8 diverges; the error says in which epoch:
    >>> import numpy as np
    >>> import neuralab as nl
    >>> X = np.array([[-0.5], [-0.25], [0.0], [0.25], [0.5]])
    >>> net = nl.Sequential([nl.Dense(1, use_bias=False, weights=[[0.2]])], dtype="float64")
    >>> try:
    ...     net.fit(X, 2 * X, loss="sum_squared_error", optimizer=nl.GradientDescent(1.8), epochs=100)
    ... except nl.DivergenceError as error:
    ...     print(error.epoch, error.learning_rate)
    22 1.8
    """

    def __init__(self, message: str, *, epoch: int, learning_rate: float | None, loss: float):
        super().__init__(message)
        self.epoch = epoch
        self.learning_rate = learning_rate
        self.loss = loss


class ModelFileError(NeuralabError):
    """A model file is missing, truncated, damaged, inconsistent, not a neuralab model, or from
    a newer version; the message names the part of the file (member or metadata field)."""
