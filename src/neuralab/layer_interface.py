"""Layer: the interface of one step of a feedforward network (what Sequential and
``neuralab.backprop`` call). ``forward`` maps x (n_samples, inputs) to a (n_samples, units)
and keeps what ``backward`` needs; ``backward`` maps dE/da to dE/dx by the chain rule and
fills the layer's gradients. Dense (``layers``) and Dropout (``dropout``) implement it;
``neuralab.layers`` re-exports it.
"""

from __future__ import annotations

import weakref

import numpy as np

from .activations import Activation


class Layer:
    """One step of a feedforward network: ``forward`` keeps what ``backward`` needs.

    What Sequential and ``neuralab.backprop`` need from a layer; Dense and Dropout implement
    it. ``has_weights`` is True for layers with a weight matrix (Dense): those are the
    layers that training penalises (L1/L2), whose gradient norms History records, and that
    the diagnostics inspect. ``activation`` is None for a layer without one (Dropout).

    Examples
    --------
    >>> import neuralab as nl
    >>> layer = nl.Dense(3, "relu", weights=[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]])
    >>> isinstance(layer, nl.Layer), layer.parameter_names(), layer.count_parameters()
    (True, ['weights', 'biases'], 9)
    """

    has_weights = False
    units: int | None = None
    input_dim: int | None = None
    activation: Activation | None = None
    # A weak reference to the Sequential that holds this layer (set through ``claim``).
    _owner: weakref.ref[object] | None = None

    def __getstate__(self) -> dict:
        # Copies and pickles leave the owner behind: Sequential.__setstate__ claims them again.
        state = self.__dict__.copy()
        state.pop("_owner", None)
        return state

    @property
    def owner(self) -> object | None:
        """The network this layer belongs to, or None (a layer belongs to one network at most)."""
        return None if self._owner is None else self._owner()

    def claim(self, network: object) -> None:
        """Record ``network`` as this layer's owner (done by Sequential; held weakly)."""
        self._owner = weakref.ref(network)

    @property
    def description(self) -> str:
        """One line for a summary table: the activation's name, or what else defines the layer."""
        return self.activation.name if self.activation is not None else ""

    @property
    def built(self) -> bool:
        return True

    def build(self, input_dim: int, rng: np.random.Generator | None = None, *, reseed: bool = False) -> None:
        """Prepare for ``input_dim`` inputs."""

    def set_dtype(self, dtype: np.dtype) -> None:
        """Cast parameters to ``dtype`` (none by default)."""

    def forward(self, x: np.ndarray, *, training: bool = False) -> np.ndarray:
        """Return the layer's output for ``x`` of shape (n_samples, inputs)."""
        raise NotImplementedError

    def backward(
        self, grad_output: np.ndarray, *, from_preactivation: bool = False, input_gradient: bool = True
    ) -> np.ndarray | None:
        """Fill the parameter gradients from dE/d(output); return dE/d(input) (None if not asked)."""
        raise NotImplementedError

    def parameters(self) -> list[np.ndarray]:
        return []

    def gradients(self) -> list[np.ndarray]:
        return []

    def parameter_names(self) -> list[str]:
        return []

    def count_parameters(self) -> int:
        return 0

    def adopt_buffers(self, parameters: np.ndarray, gradients: np.ndarray, offset: int) -> int:
        """Move parameters and gradients into views of two flat buffers from ``offset``; return
        the offset after this layer (none to move by default)."""
        return offset

    def restore_arrays(self, parameters: list[np.ndarray], gradients: list[np.ndarray]) -> None:
        """Undo ``adopt_buffers``: copy the current values into ``parameters`` and ``gradients``
        (what ``parameters()``/``gradients()`` returned before) and use those arrays again."""

    def get_config(self) -> dict:
        """Architecture (not weights) as plain JSON-ready values, with a "type" key."""
        raise NotImplementedError


__all__ = ["Layer"]
