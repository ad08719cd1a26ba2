"""neuralab: feedforward neural networks from first principles, every step visible.

Examples
--------
>>> import neuralab as nl
>>> net = nl.Sequential([nl.Dense(8, "relu", input_dim=2), nl.Dense(1, "sigmoid")])
"""

from __future__ import annotations

from . import backprop, diagnostics, experiments, trace  # numpy only; plots and report import matplotlib
from ._version import __version__
from .activations import (
    ACTIVATIONS,
    Activation,
    BinaryStep,
    LeakyReLU,
    Linear,
    ReLU,
    Sigmoid,
    Softmax,
    Tanh,
    get_activation,
)
from .backprop import loss_and_gradients
from .callbacks import Callback, EarlyStopping, ExponentialDecay, StepDecay, TrainingContext
from .diagnostics import GradientMonitor, diagnose
from .dropout import Dropout
from .errors import (
    DivergenceError,
    IncompatibleLossError,
    InvalidParameterError,
    NeuralabError,
    NonFiniteError,
    NotBuiltError,
    NotFittedError,
    NotTrainableError,
    OutputError,
    ShapeError,
    UnknownNameError,
    ValidationError,
)
from .gradcheck import GradientCheckResult, gradient_check
from .history import History
from .initializers import Initializer, get_initializer
from .io import load, save
from .layers import Dense, Layer
from .losses import (
    BinaryCrossEntropy,
    CrossEntropy,
    HalfSquaredError,
    Loss,
    MeanSquaredError,
    SumSquaredError,
    get_loss,
)
from .lr_find import LRFindResult, lr_find
from .model import Model
from .network import Sequential
from .notebook import LiveTraining  # registers the display of fit(live=True); needs no IPython
from .onnx_export import export_onnx  # imports `onnx` only when called
from .optimizers import SGD, Adam, GradientDescent, Optimizer, RMSprop, get_optimizer
from .sweeps import sweep  # the function; the package is neuralab.sweeps
from .training import DivergenceRule, fit

__all__ = [
    "ACTIVATIONS",
    "SGD",
    "Activation",
    "Adam",
    "BinaryCrossEntropy",
    "BinaryStep",
    "Callback",
    "CrossEntropy",
    "Dense",
    "DivergenceError",
    "DivergenceRule",
    "Dropout",
    "EarlyStopping",
    "ExponentialDecay",
    "GradientCheckResult",
    "GradientDescent",
    "GradientMonitor",
    "HalfSquaredError",
    "History",
    "IncompatibleLossError",
    "Initializer",
    "InvalidParameterError",
    "LRFindResult",
    "Layer",
    "LeakyReLU",
    "Linear",
    "LiveTraining",
    "Loss",
    "MeanSquaredError",
    "Model",
    "NeuralabError",
    "NonFiniteError",
    "NotBuiltError",
    "NotFittedError",
    "NotTrainableError",
    "Optimizer",
    "OutputError",
    "RMSprop",
    "ReLU",
    "Sequential",
    "ShapeError",
    "Sigmoid",
    "Softmax",
    "StepDecay",
    "SumSquaredError",
    "Tanh",
    "TrainingContext",
    "UnknownNameError",
    "ValidationError",
    "__version__",
    "backprop",
    "diagnose",
    "diagnostics",
    "experiments",
    "export_onnx",
    "fit",
    "get_activation",
    "get_initializer",
    "get_loss",
    "get_optimizer",
    "gradient_check",
    "load",
    "loss_and_gradients",
    "lr_find",
    "save",
    "sweep",
    "sweeps",
    "trace",
]
