"""What the page draws of a network, and the JSON it is sent as.

``PlanePictures(dataset)`` runs ONE batched forward pass of the network over the plane's
BOUNDARY_SIZE x BOUNDARY_SIZE grid through the engine's seam (``neuralab.backprop.forward``)
and reads every layer's z and a = f(z) from it: the output is the decision boundary, each
unit's a (every UNIT_STRIDE-th cell both ways) is that unit's picture, quantised to bytes.
``json_values``, ``json_matrix`` and ``finite`` make arrays JSON-safe (NaN and infinity, a
diverging network, become None).
"""

from __future__ import annotations

import base64
import math
from typing import cast

import numpy as np

from ..backprop import forward
from ..layers import Dense
from ..network import Sequential
from .datasets import Dataset

BOUNDARY_SIZE = 50
"""The decision-boundary heat map is BOUNDARY_SIZE x BOUNDARY_SIZE cells."""
UNIT_STRIDE = 2
"""Each unit's picture takes every UNIT_STRIDE-th cell of the boundary grid, both ways (25 x 25)."""


def finite(value: float) -> float | None:
    """``value`` as a float, or None when it is NaN or infinite."""
    return float(value) if math.isfinite(value) else None


def json_values(values: np.ndarray, digits: int | None = 4) -> list:
    """Values flattened and rounded to ``digits`` decimals (None: full precision) for JSON;
    NaN and infinity become None."""
    with np.errstate(all="ignore"):
        array = np.asarray(values, dtype=np.float64).ravel()
        if digits is not None:
            array = np.round(array, digits)
    if np.isfinite(array).all():
        return array.tolist()
    return [v if math.isfinite(v) else None for v in array.tolist()]


def json_matrix(values: np.ndarray) -> list[list]:
    """A 2-D array as nested lists at full precision (None where not finite)."""
    array = np.asarray(values, dtype=np.float64)
    if np.isfinite(array).all():
        return array.tolist()
    return [[v if math.isfinite(v) else None for v in row] for row in array.tolist()]


def quantised(a: np.ndarray, z: np.ndarray) -> list[dict]:
    """Each column of ``a`` (points x units) as bytes 0..255 from its smallest to its largest
    finite value (base64), with that range and the range of ``z``'s column (None: not finite)."""
    with np.errstate(all="ignore"):
        a = np.asarray(a, dtype=np.float64)
        z = np.asarray(z, dtype=np.float64)
        ok = np.isfinite(a)
        lo = np.where(ok, a, np.inf).min(axis=0)
        hi = np.where(ok, a, -np.inf).max(axis=0)
        span = np.where(hi > lo, hi - lo, 1.0)
        base = np.where(np.isfinite(lo), lo, 0.0)
        top = np.where(np.isfinite(hi), hi, base)
        scaled = (np.clip(np.nan_to_num(a, nan=0.0, posinf=np.inf, neginf=-np.inf), base, top) - base) / span
        q = np.rint(np.nan_to_num(scaled) * 255).astype(np.uint8)
        z_ok = np.isfinite(z)
        z_lo = np.where(z_ok, z, np.inf).min(axis=0)
        z_hi = np.where(z_ok, z, -np.inf).max(axis=0)
    columns = np.ascontiguousarray(q.T)
    return [
        {
            "lo": finite(float(lo[i])),
            "hi": finite(float(hi[i])),
            "q": base64.b64encode(columns[i].tobytes()).decode("ascii"),
            "z": [finite(float(z_lo[i])), finite(float(z_hi[i]))],
        }
        for i in range(a.shape[1])
    ]


class PlanePictures:
    """The plane grid of one data set (built once) and the pictures a network makes of it."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.grid = dataset.grid(BOUNDARY_SIZE)  # (BOUNDARY_SIZE^2, n_features), top row first
        keep = np.zeros((BOUNDARY_SIZE, BOUNDARY_SIZE), dtype=bool)
        keep[::UNIT_STRIDE, ::UNIT_STRIDE] = True
        self.keep = keep.ravel()  # the cells of the units' pictures
        self.inputs = quantised(self.grid[self.keep], self.grid[self.keep])  # layer 0 never changes

    def layers(self, network: Sequential) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """One forward pass over the grid (``backprop.forward``, as ``predict`` runs it, in the
        network's dtype): per layer z = a W + b and a = f(z), each (BOUNDARY_SIZE^2, units).

        Runs the layers, so it overwrites their caches: call it between training steps."""
        with np.errstate(all="ignore"):
            forward(network.layers, self.grid.astype(network.dtype, copy=False), training=False)
        zs, outputs = [], []
        for layer in cast(list[Dense], network.layers):  # a session's network is Dense layers
            z, a = layer.preactivation, layer.output
            assert z is not None and a is not None  # forward just cached them
            zs.append(z)
            outputs.append(a)
        return zs, outputs

    def boundary(self, output: np.ndarray) -> dict:
        """The output over the plane: probability of class 1 (binary), predicted class and its
        probability (multiclass) or the prediction (regression), row-major, top row first."""
        result = {"size": BOUNDARY_SIZE, "extent": list(self.dataset.extent)}
        if self.dataset.task == "multiclass":
            result["values"] = np.argmax(output, axis=1).tolist()
            result["confidence"] = json_values(output.max(axis=1), 3)
        else:
            result["values"] = json_values(output[:, 0], 4)
        return result

    def units(self, zs: list[np.ndarray], outputs: list[np.ndarray]) -> list[list[dict]]:
        """Each unit's output a over the plane, every layer (inputs as layer 0, the output
        included): [layer][unit] -> {"lo", "hi": the range of a, "z": [min z, max z], "q": the
        picture as base64 bytes, 0..255 from lo to hi, row-major, top row first}."""
        keep = self.keep
        return [self.inputs, *(quantised(a[keep], z[keep]) for z, a in zip(zs, outputs, strict=True))]

    def draw(self, network: Sequential) -> dict:
        """{"boundary": ..., "units": ...} of ``network`` now, from one forward pass."""
        zs, outputs = self.layers(network)
        return {"boundary": self.boundary(outputs[-1]), "units": self.units(zs, outputs)}


__all__ = [
    "BOUNDARY_SIZE",
    "UNIT_STRIDE",
    "PlanePictures",
    "finite",
    "json_matrix",
    "json_values",
    "quantised",
]
