"""The benchmark cases: network shape, data, loss and training hyperparameters.

A case is plain data; every implementation reads the same one. Layer sizes run from the
input to the output, e.g. (784, 256, 128, 10) is 784 inputs, hidden layers of 256 and 128
units and 10 outputs.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace


class UnknownCaseError(ValueError):
    """A case name that the benchmark does not define."""


@dataclass(frozen=True)
class Case:
    """One benchmark case.

    Attributes
    ----------
    name : str
    layer_sizes : tuple of int
        (inputs, hidden..., outputs).
    hidden_activation, output_activation : str
        neuralab activation names ("relu", "tanh"; "softmax" or "sigmoid").
    loss : str
        "cross_entropy" (softmax output, integer labels) or "binary_cross_entropy"
        (sigmoid output, 0/1 labels).
    learning_rate, batch_size, epochs
        Plain SGD (no momentum, no weight decay) hyperparameters.
    dataset : str
        "synthetic_mnist", "two_moons" (2 features, binary) or "digits" (scikit-learn's).
    n_samples : int
        Training samples for the generated data sets (digits has its own size).
    seed : int
        Seeds the data, the initial weights and the batch order.
    """

    name: str
    layer_sizes: tuple[int, ...]
    hidden_activation: str
    output_activation: str
    loss: str
    learning_rate: float
    batch_size: int
    epochs: int
    dataset: str
    n_samples: int
    seed: int = 0

    @property
    def n_classes(self) -> int:
        """Number of classes: the output width, or 2 for one sigmoid unit."""
        return 2 if self.layer_sizes[-1] == 1 else self.layer_sizes[-1]

    def to_dict(self) -> dict:
        return asdict(self)


def case_from_dict(fields: dict) -> Case:
    """The inverse of ``Case.to_dict`` (JSON turns the layer sizes into a list)."""
    return Case(**{**fields, "layer_sizes": tuple(fields["layer_sizes"])})


LARGE = Case(
    "large", (784, 256, 128, 10), "relu", "softmax", "cross_entropy", 0.1, 128, 1, "synthetic_mnist", 60_000
)
SMALL_BATCH_1 = Case(
    "small_batch1", (2, 8, 8, 1), "tanh", "sigmoid", "binary_cross_entropy", 0.1, 1, 2, "two_moons", 1_000
)
SMALL_BATCH_32 = Case(
    "small_batch32", (2, 8, 8, 1), "tanh", "sigmoid", "binary_cross_entropy", 0.1, 32, 20, "two_moons", 1_000
)
DIGITS = Case("digits", (64, 64, 10), "relu", "softmax", "cross_entropy", 0.1, 32, 30, "digits", 1_347)

FULL_CASES = (LARGE, SMALL_BATCH_1, SMALL_BATCH_32, DIGITS)
QUICK_CASES = (
    replace(LARGE, n_samples=4_096),
    replace(SMALL_BATCH_1, epochs=1, n_samples=300),
    replace(SMALL_BATCH_32, epochs=3, n_samples=300),
    replace(DIGITS, epochs=3),
)


def get_cases(names: list[str] | None = None, *, quick: bool = False) -> list[Case]:
    """Return the cases called ``names`` (all when None), full-size or quick."""
    available = {case.name: case for case in (QUICK_CASES if quick else FULL_CASES)}
    if names is None:
        return list(available.values())
    unknown = [name for name in names if name not in available]
    if unknown:
        raise UnknownCaseError(f"Unknown case(s) {unknown}. Choose from {sorted(available)}.")
    return [available[name] for name in names]
