"""Model: a trained network together with what it needs to be used on real data.

A ``Model`` holds the ``Sequential`` network, the ``Preprocessor`` (input columns, their
scaling and encoding, the task, the class labels, the target's scaling), the loss and the
optimizer (whose state lets training resume). Its ``predict`` takes a table (or a pandas or
polars DataFrame) of the user's columns and gives labels or values in the user's units.
Missing input cells get the training rows' median / most frequent value; a category not
seen in training is encoded all-zero with a ``DataWarning`` (``strict=True`` refuses it).

Examples
--------
>>> import numpy as np, neuralab as nl
>>> from neuralab.data import Table
>>> X = np.linspace(-1, 1, 40).reshape(-1, 1)
>>> table = Table.from_arrays(X, np.where(X[:, 0] > 0, "up", "down"), target_name="side")
>>> model = nl.Model.for_data(table, "side", hidden=(4,))
>>> model.task, model.classes
('classification', ['down', 'up'])
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from .callbacks import Callback, EarlyStopping
from .data import DataError, Preprocessor, Table, is_frame, table_from_frame
from .data.preprocessing import TransformReport
from .data.table import DataWarning
from .errors import NonFiniteError, NotFittedError, ValidationError
from .fit_defaults import (
    DEFAULT_PATIENCE,
    MIN_IMPROVEMENT,
    VALIDATION_SPLIT,
    default_epochs,
    plan_validation,
)
from .history import History
from .model_display import model_html
from .model_evaluation import evaluate_model
from .model_network import build_network
from .network import Sequential
from .optimizers import Optimizer, get_optimizer
from .training import fit


class Model:
    """A network plus its preprocessing, task and class labels.

    Parameters
    ----------
    network : Sequential
    preprocessor : Preprocessor
    loss : str
        The loss name the network is trained with.
    optimizer : Optimizer, optional
        Kept after training (with its state) so that training can resume.
    training : dict, optional
        Summary of the training so far (epochs, stop reasons, last history).
    fitted : bool
        Whether the network's weights were trained (or loaded). ``for_data`` gives an
        unfitted model: ``predict``, ``predict_proba`` and ``evaluate`` refuse it with a
        NotFittedError until ``fit`` has run.

    Examples
    --------
    A network with its preprocessing: it takes the user's columns and gives the user's
    labels:
    >>> import numpy as np
    >>> import neuralab as nl
    >>> from neuralab.data import Table
    >>> X = np.linspace(-1, 1, 40).reshape(-1, 1)
    >>> table = Table.from_arrays(X, np.where(X[:, 0] > 0, "up", "down"), target_name="side")
    >>> model = nl.Model.for_data(table, "side", hidden=(4,))
    >>> history = model.fit(table, epochs=100, learning_rate=0.05, seed=0)
    >>> model.predict(table)[:3].tolist(), model.predict(table)[-3:].tolist()
    (['down', 'down', 'down'], ['up', 'up', 'up'])
    >>> round(model.evaluate(table)["accuracy"], 2)
    1.0
    """

    def __init__(
        self,
        network: Sequential,
        preprocessor: Preprocessor,
        *,
        loss: str,
        optimizer: Optimizer | None = None,
        training: dict | None = None,
        fitted: bool = True,
    ):
        self.network = network
        self.fitted = bool(fitted)
        self.preprocessor = preprocessor
        self.loss = network.check_loss(loss).name
        self.optimizer = optimizer
        self.training: dict[str, Any] = (
            training if training is not None else {"epochs": 0, "sessions": [], "interrupted": False}
        )

    # -- construction ------------------------------------------------------------------
    @classmethod
    def for_data(
        cls,
        table: Table | Any,
        target: str,
        *,
        task: str | None = None,
        hidden: Sequence[int] = (64, 32),
        activation: str = "relu",
        output_activation: str | None = None,
        loss: str | None = None,
        dtype: str = "float32",
        train_rows: np.ndarray | None = None,
        max_categories: int = 20,
        ignore: Sequence[str] = (),
        dropout: float = 0.0,
        missing: str = "impute",
        missing_indicator: bool = False,
    ) -> Model:
        """An untrained model shaped for ``table``'s columns and ``target``.

        ``table`` is a Table or a pandas/polars DataFrame (read as a CSV file would be).
        ``missing`` is "impute" (a gap gets the training rows' median / most frequent value)
        or "error"; ``missing_indicator`` adds a 0/1 input after each column with gaps. Drop
        rows with gaps beforehand (``table.drop_missing()``) to train without them.

        The task is inferred from the target unless given (see ``data.infer_task``). The
        output layer is softmax + cross_entropy for classification (one sigmoid unit +
        binary_cross_entropy when ``output_activation="sigmoid"`` and there are two
        classes), linear + mse for regression. Scaling is fitted on ``train_rows`` only.
        ``dropout`` > 0 puts a Dropout layer of that rate after each hidden layer.
        """
        if is_frame(table):
            table = table_from_frame(table)
        pre = Preprocessor.fit(
            table,
            target,
            task=task,
            train_rows=train_rows,
            max_categories=max_categories,
            ignore=ignore,
            missing=missing,
            missing_indicator=missing_indicator,
        )
        network, default_loss = build_network(
            pre,
            hidden=hidden,
            activation=activation,
            output_activation=output_activation,
            dtype=dtype,
            dropout=dropout,
        )
        return cls(network, pre, loss=loss or default_loss, fitted=False)

    # -- facts -------------------------------------------------------------------------
    @property
    def task(self) -> str:
        return self.preprocessor.task

    @property
    def classes(self) -> list:
        return list(self.preprocessor.classes)

    @property
    def target(self) -> str:
        return self.preprocessor.target

    def column_kinds(self, *, with_target: bool = False) -> dict[str, str]:
        """Columns a data file must have, with their kinds (for ``data.read_csv(kinds=...)``)."""
        kinds = dict(self.preprocessor.kinds)
        if with_target:
            numeric = self.task == "regression" or all(
                isinstance(c, (int, float)) for c in self.preprocessor.classes
            )
            kinds[self.target] = "numeric" if numeric else "categorical"
        return kinds

    # -- training ----------------------------------------------------------------------
    def fit(
        self,
        train: Table | Any,
        *,
        validation: Table | Any | None = None,
        validation_split: float = VALIDATION_SPLIT,
        optimizer: str | Optimizer | None = None,
        learning_rate: float | None = None,
        epochs: int | None = None,
        batch_size: int | None = 32,
        early_stopping: int | bool | None = DEFAULT_PATIENCE,
        min_delta: float = MIN_IMPROVEMENT,
        l2: float = 0.0,
        l1: float = 0.0,
        class_weight: str | dict | None = None,
        seed: int | None = None,
        callbacks: Sequence[Callback] = (),
        live: bool = False,
    ) -> History:
        """Train on the rows of ``train`` (a Table or DataFrame, its target column included).

        Returns the History. Missing input cells are imputed (see ``for_data``).

        The defaults are those of ``neuralab train`` (``neuralab.fit_defaults``): early
        stopping with patience ``early_stopping`` (10) on the validation loss, an epoch
        better only when that loss drops by more than ``min_delta`` (1e-4), the best epoch's
        weights restored, at most ``epochs`` epochs (default 1000 with early stopping, 100
        without). The validation rows are ``validation``, or else ``validation_split`` (0.2)
        of ``train``'s rows held out (stratified by class, shuffled with ``seed``; the
        preprocessing fitted by ``for_data`` is kept as it is). ``early_stopping=None`` (or
        False) trains on every row for all ``epochs`` epochs and keeps the last weights. A
        table too small to hold out a row trains without early stopping, with a DataWarning.

        ``optimizer`` None continues with the model's own optimizer (and its state) if it
        has one, else Adam. ``l2`` and ``l1`` are the penalties of ``neuralab.fit``.
        After Ctrl-C the training summary is updated (marked interrupted) before
        KeyboardInterrupt propagates. ``live=True`` draws the training while it runs (in a
        notebook the loss curves and the gradient flow, elsewhere a progress bar; see
        ``neuralab.fit``).
        """
        if optimizer is None and self.optimizer is not None:
            resolved = self.optimizer
            if learning_rate is not None:
                resolved.learning_rate = learning_rate
        else:
            resolved = get_optimizer(optimizer or "adam", learning_rate)
        self.optimizer = resolved
        train = self.as_table(train, with_target=True)
        validation = None if validation is None else self.as_table(validation, with_target=True)
        train, validation, patience = plan_validation(
            train,
            validation,
            self.target,
            classification=self.task == "classification",
            early_stopping=early_stopping,
            validation_split=validation_split,
            seed=seed,
        )
        X, y = self._arrays(train)
        validation_data = None if validation is None or validation.n_rows == 0 else self._arrays(validation)
        all_callbacks = list(callbacks)
        stopper = None
        if patience is not None:
            stopper = EarlyStopping(patience=patience, min_delta=min_delta, restore_best_weights=True)
            all_callbacks.insert(0, stopper)
        if epochs is None:
            epochs = default_epochs(stopping=stopper is not None)
        if class_weight is not None and self.task != "classification":
            raise ValidationError("Class weights apply to classification only; this model does regression.")
        previous = self.network.history
        was_fitted, self.fitted = self.fitted, True  # callbacks may predict while it trains
        try:
            history = fit(
                self.network,
                X,
                y,
                loss=self.loss,
                optimizer=resolved,
                epochs=epochs,
                batch_size=batch_size,
                validation_data=validation_data,
                seed=seed,
                callbacks=all_callbacks,
                l2=l2,
                l1=l1,
                class_weight=class_weight,
                live=live,
            )
        except KeyboardInterrupt:
            if self.network.history is not None and self.network.history is not previous:
                self._record(self.network.history, stopper)
            raise
        except ValidationError:  # refused before any step: nothing was learned
            self.fitted = was_fitted
            raise
        self._record(history, stopper)
        return history

    def as_table(self, data: Table | Any, *, with_target: bool = False) -> Table:
        """``data`` as a Table: a Table as it is, a DataFrame read with this model's column kinds."""
        if is_frame(data):
            return table_from_frame(data, kinds=self.column_kinds(with_target=with_target))
        if not isinstance(data, Table):
            raise DataError(f"Give a neuralab Table or a pandas/polars DataFrame. Got {type(data).__name__}.")
        return data

    def _arrays(self, table: Table) -> tuple[np.ndarray, np.ndarray]:
        report = TransformReport()
        inputs = self.preprocessor.transform(table, report=report)
        _warn(report)
        return inputs, self.preprocessor.encode_target(table, self.network.output_dim)

    def _record(self, history: History, stopper: EarlyStopping | None) -> None:
        session = {
            "epochs": history.epochs_run,
            "stop_reason": history.stop_reason,
            "final_loss": history.loss[-1] if history.loss else None,
            "final_val_loss": history.val_loss[-1] if history.val_loss else None,
        }
        if stopper is not None and stopper.best_epoch:
            session["best_epoch"] = stopper.best_epoch
            session["best_val_loss"] = stopper.best
        self.training["epochs"] = int(self.training.get("epochs", 0)) + history.epochs_run
        self.training.setdefault("sessions", []).append(session)
        self.training["interrupted"] = history.interrupted
        self.training["history"] = history.to_dict()

    # -- use ---------------------------------------------------------------------------
    def _check_fitted(self, action: str) -> None:
        if not self.fitted:
            raise NotFittedError(
                f"This model was never trained: {action} would use its random initial weights. "
                "Call model.fit(table) first (or load a trained model with neuralab.load)."
            )

    def _inputs(
        self, data: Table | np.ndarray | Any, missing: str, strict: bool, report: TransformReport | None
    ) -> np.ndarray:
        own = report is None
        active = TransformReport() if report is None else report
        if isinstance(data, Table) or is_frame(data):
            inputs = self.preprocessor.transform(
                self.as_table(data), missing=missing, strict=strict, report=active
            )
            if own:
                _warn(active)
            return inputs
        array = np.asarray(data)
        kinds = self.preprocessor.kinds
        if any(kind != "numeric" for kind in kinds.values()):
            raise DataError("This model has non-numeric input columns: give a Table, not an array.")
        if array.ndim != 2 or array.shape[1] != len(kinds):
            raise DataError(
                f"Give an array of shape (n_samples, {len(kinds)}) with the columns "
                f"{', '.join(kinds)}. Got shape {array.shape}."
            )
        table = Table.from_arrays(array, feature_names=list(kinds))
        return self.preprocessor.transform(table, missing=missing, strict=strict, report=active)

    def predict_proba(
        self,
        data: Table | np.ndarray | Any,
        *,
        missing: str = "impute",
        strict: bool = False,
        report: TransformReport | None = None,
    ) -> np.ndarray:
        """Class probabilities, shape (n_samples, n_classes), columns in ``classes`` order.

        ``data`` is a Table, a pandas/polars DataFrame or (all inputs numeric) an array.
        ``missing`` "impute" fills gaps with the training rows' values, "error" refuses them.
        A category not seen in training is encoded all-zero with a ``DataWarning``
        (``strict=True`` refuses it); given a ``report``, it is counted there instead.
        """
        if self.task != "classification":
            raise ValidationError("predict_proba is for classifiers; this model does regression.")
        self._check_fitted("predict_proba")
        output = self._outputs(data, missing, strict, report).astype(np.float64)
        if output.shape[1] == 1:
            return np.hstack([1.0 - output, output])
        return output

    def predict(
        self,
        data: Table | np.ndarray | Any,
        *,
        missing: str = "impute",
        strict: bool = False,
        report: TransformReport | None = None,
    ) -> np.ndarray:
        """Labels (classification) or values in the target's units (regression), shape (n_samples,).

        Same inputs and options as ``predict_proba``.
        """
        self._check_fitted("predict")
        if self.task == "classification":
            codes = np.argmax(self.predict_proba(data, missing=missing, strict=strict, report=report), axis=1)
            return np.array(self.classes, dtype=object)[codes]
        with np.errstate(over="ignore", invalid="ignore"):
            values = self.preprocessor.decode_values(self._outputs(data, missing, strict, report))
        return self._finite(values.reshape(-1, 1), "prediction in the target's units", data)[:, 0]

    def _outputs(
        self,
        data: Table | np.ndarray | Any,
        missing: str = "impute",
        strict: bool = False,
        report: TransformReport | None = None,
    ) -> np.ndarray:
        """The network's outputs for ``data``, shape (n_samples, n_outputs); never NaN or infinite."""
        inputs = self._inputs(data, missing, strict, report)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            output = self.network.predict(inputs, batch_size=4096)
        return self._finite(output, "network output", data)

    @staticmethod
    def _finite(values: np.ndarray, what: str, data: Table | np.ndarray | Any) -> np.ndarray:
        """``values`` if all finite, else a NonFiniteError naming the first bad row."""
        if not np.isfinite(values).all():
            row = int(np.argwhere(~np.isfinite(values))[0][0])
            where = data.line_of(row) if isinstance(data, Table) else f"row {row + 1}"
            raise NonFiniteError(
                f"The model's {what} for {where} is not finite ({values[row].tolist()}): its weights "
                "or scaling are too large for this input (a model file edited by hand, or an input far "
                "outside the training data). Retrain the model, or check that row."
            )
        return values

    def evaluate(
        self,
        data: Table | Any,
        *,
        target: str | None = None,
        missing: str = "impute",
        strict: bool = False,
        report: TransformReport | None = None,
    ) -> dict:
        """Metrics on a table (or DataFrame) that has the target column, with their baseline.

        Regression: mse, mae, r2 (in the target's units). Classification: accuracy,
        per-class precision and recall, confusion matrix (rows true, columns predicted).
        ``baseline`` holds the same metrics for a constant prediction: the training rows'
        majority class or mean (see ``metrics.baseline_metrics``). ``target`` names the
        column of ``data`` that holds the true values (default: the model's target column);
        rows whose target is missing are an error (drop them first). ``missing``,
        ``strict`` and ``report`` as in ``predict_proba``.
        """
        self._check_fitted("evaluate")
        return evaluate_model(self, data, target=target, missing=missing, strict=strict, report=report)

    def _repr_html_(self, max_inputs: int = 40) -> str:
        """IPython's rich display (``model_display.model_html``): the task, the network's
        layers and each input's scaling, (x - mean) / std of the training rows."""
        return model_html(self, max_inputs=max_inputs)

    def __repr__(self) -> str:
        return (
            f"Model(task={self.task!r}, target={self.target!r}, "
            f"inputs={len(self.preprocessor.features)}, loss={self.loss!r}, network={self.network!r})"
        )


def _warn(report: TransformReport) -> None:
    """One DataWarning per column with categories not seen in training."""
    for message in report.messages()[1]:
        warnings.warn(message, DataWarning, stacklevel=3)
