"""The course's demonstrations, each built only on neuralab's public engine.

Each function returns a plain result dataclass (numbers a test can check, ``to_dict()``
for JSON); ``neuralab.plots`` draws them and ``neuralab tour`` runs them all.

- ``descent`` / ``compare_learning_rates``: gradient descent on J(w) = sum (z - w x)^2, z = 2x
- ``backprop``: the two-neuron worked example, every number from ``neuralab.trace``
- ``vanishing``: deep sigmoid/tanh/relu/leaky_relu networks, gradient flow measured;
  ``relu_care``: the deep ReLU network under the lesson's settings and two shortcuts
- ``claims``: each lesson's sentence checked on a run's own numbers
- ``activation_gallery``: the seven activations with formula, range, derivative and use
- ``train_digits``: one real training run (digits, ReLU + softmax + cross entropy)

Examples
--------
>>> from neuralab import experiments
>>> result = experiments.descent(w0=0.2, learning_rate=0.4)
>>> [round(w, 4) for w in result.w[:4]], result.predicted
([0.2, 1.1, 1.55, 1.775], 'converges')
"""

from __future__ import annotations

from .backprop import LECTURE_VALUES, BackpropResult, backprop
from .claims import Claim, descent_claims, late_spike, overfitting_since, vanishing_claims
from .datasets import Dataset, load_dataset
from .descent import (
    COMPARE_LEARNING_RATES,
    DATA_X,
    CompareResult,
    DescentResult,
    compare_learning_rates,
    descent,
)
from .digits import EpochMeanGradientNorm, TrainingResult, mean_gradient_norms, train_digits
from .gallery import USES, ActivationInfo, GalleryResult, activation_gallery, activation_info
from .vanishing import (
    DEFAULTS as VANISHING_DEFAULTS,
)
from .vanishing import (
    ActivationRun,
    CareResult,
    VanishingResult,
    relu_care,
    vanishing,
)

__all__ = [
    "COMPARE_LEARNING_RATES",
    "DATA_X",
    "LECTURE_VALUES",
    "USES",
    "VANISHING_DEFAULTS",
    "ActivationInfo",
    "ActivationRun",
    "BackpropResult",
    "CareResult",
    "Claim",
    "CompareResult",
    "Dataset",
    "DescentResult",
    "EpochMeanGradientNorm",
    "GalleryResult",
    "TrainingResult",
    "VanishingResult",
    "activation_gallery",
    "activation_info",
    "backprop",
    "compare_learning_rates",
    "descent",
    "descent_claims",
    "late_spike",
    "load_dataset",
    "mean_gradient_norms",
    "overfitting_since",
    "relu_care",
    "train_digits",
    "vanishing",
    "vanishing_claims",
]
