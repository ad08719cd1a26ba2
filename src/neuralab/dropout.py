"""Dropout: during training, each input unit is zeroed with probability ``rate``.

Inverted dropout: the kept units are scaled by 1 / (1 - rate), so the expected value of
each output equals its input and nothing changes at prediction time (the layer is the
identity outside training).

    training:  a = x * m,  m_ij = 1/(1 - rate) with probability 1 - rate, else 0
    backward:  dE/dx = dE/da * m        (the same mask)

Shapes: ``x`` and ``a`` are ``(n_samples, units)``; ``units`` equals the input width.
"""

from __future__ import annotations

from numbers import Real

import numpy as np

from ._validation import check_seed
from .errors import NotBuiltError, ShapeError, ValidationError
from .layers import Layer


class Dropout(Layer):
    """Randomly zero a fraction ``rate`` of the units during training (a regulariser).

    Parameters
    ----------
    rate : float in [0, 1)
        Probability of dropping each unit.
    seed : int, optional
        Seed of this layer's masks; without it ``fit(seed=...)`` decides them.

    Examples
    --------
    >>> import numpy as np, neuralab as nl
    >>> layer = nl.Dropout(0.5, seed=0)
    >>> layer.forward(np.ones((1, 4))).tolist()          # outside training: the identity
    [[1.0, 1.0, 1.0, 1.0]]
    >>> sorted(set(layer.forward(np.ones((2, 4)), training=True).ravel().tolist()))
    [0.0, 2.0]
    """

    def __init__(self, rate: float, *, seed: int | None = None):
        if isinstance(rate, bool) or not isinstance(rate, Real) or not 0 <= rate < 1:
            raise ValidationError(
                f"`rate` must be a number in [0, 1): the fraction of units dropped. Got {rate!r}."
            )
        self.rate: float = float(rate)
        self.seed: int | None = check_seed(seed)
        self.units: int | None = None
        self.input_dim: int | None = None
        self.mask: np.ndarray | None = None
        self.fixed_mask: np.ndarray | None = None
        self._rng: np.random.Generator = np.random.default_rng(seed)

    @property
    def built(self) -> bool:
        return self.units is not None

    @property
    def description(self) -> str:
        """E.g. "rate 0.5" (a Dropout layer has no activation)."""
        return f"rate {self.rate:g}"

    def build(self, input_dim: int, rng: np.random.Generator | None = None, *, reseed: bool = False) -> None:
        """Take the input width as this layer's width."""
        if self.units is not None and input_dim != self.units:
            raise ShapeError(f"This Dropout layer has {self.units} units but is given {input_dim} inputs.")
        self.units = self.input_dim = int(input_dim)

    def set_rng(self, rng: np.random.Generator) -> None:
        """Draw masks from ``rng`` (what fit does from its seed), unless the layer has a seed."""
        if self.seed is None:
            self._rng = rng

    def fix_mask(self, mask: np.ndarray | None) -> None:
        """Use ``mask`` (already scaled, shape (n_samples, units)) for every training pass.

        For gradient checks, where repeated passes must drop the same units. None undoes it.
        """
        self.fixed_mask = None if mask is None else np.asarray(mask)

    def forward(self, x: np.ndarray, *, training: bool = False) -> np.ndarray:
        """Return ``x`` times a fresh scaled mask when ``training``, else ``x`` itself."""
        if self.units is None:
            self.build(x.shape[1])
        if not training or self.rate == 0:
            self.mask = None
            return x
        if self.fixed_mask is not None:
            if self.fixed_mask.shape != x.shape:
                raise ShapeError(f"The fixed mask has shape {self.fixed_mask.shape}; the input {x.shape}.")
            mask = self.fixed_mask.astype(x.dtype, copy=False)
        else:
            keep = self._rng.random(x.shape, dtype=np.float64 if x.dtype == np.float64 else np.float32)
            mask = (keep >= self.rate).astype(x.dtype)
            mask *= 1.0 / (1.0 - self.rate)
        self.mask = mask
        return x * mask

    def backward(
        self, grad_output: np.ndarray, *, from_preactivation: bool = False, input_gradient: bool = True
    ) -> np.ndarray | None:
        """Return dE/dx = dE/da * mask (the identity after an inference pass)."""
        if self.units is None:
            raise NotBuiltError("backward() needs a forward() pass first.")
        if from_preactivation:
            raise ValidationError("A Dropout layer cannot be the output layer of a network.")
        if not input_gradient:
            return None
        return grad_output if self.mask is None else grad_output * self.mask

    def get_config(self) -> dict:
        return {"type": "Dropout", "rate": self.rate, "units": self.units}

    def __repr__(self) -> str:
        return f"Dropout({self.rate})"
