"""Sparse inputs (``scipy.sparse`` CSR/CSC) without densifying them.

Only the first layer ever sees ``X``, so only its two products change: the forward
``z = X W`` and the weight gradient ``dE/dW = X^T dE/dz`` become sparse-times-dense products.
Everything above the first layer is dense (a batch's ``z`` is (n_samples, units)).

Cost per batch of ``b`` rows with ``nnz_b`` stored values, ``u`` units, ``d`` features:

- forward: ``O(nnz_b u)`` time, a dense ``(b, u)`` result; a dense batch would take
  ``O(b d u)`` time and a ``(b, d)`` copy;
- backward: ``O(nnz_b u)`` time, one dense ``(d, u)`` array (the gradient's own size, copied
  into the layer's gradient buffer);
- batching: the rows are gathered as a CSR batch (``O(nnz_b)``); ``X`` is converted to CSR
  once (CSC input is copied, CSR of the network's dtype is not).

SciPy is imported only when a sparse matrix arrives (the engine itself needs NumPy only).
"""

from __future__ import annotations

import numpy as np

from .errors import NonFiniteError, ShapeError, ValidationError
from .layers import Dense


def is_sparse(X: object) -> bool:
    """True for a ``scipy.sparse`` matrix or array (without importing SciPy)."""
    return type(X).__module__.startswith("scipy.sparse") and hasattr(X, "tocsr")


def as_float_csr(name: str, X: object, dtype: np.dtype):
    """``X`` as a CSR matrix of ``dtype`` with only finite values (copied only when needed)."""
    if X.ndim != 2:  # type: ignore[attr-defined]
        raise ValidationError(f"`{name}` must be a 2-D sparse matrix (n_samples, n_features).")
    csr = X.tocsr()  # type: ignore[attr-defined]
    if csr.dtype.kind not in "biuf":
        raise ValidationError(f"`{name}` must hold numbers. Got a sparse matrix of dtype {csr.dtype}.")
    if csr.dtype != dtype:
        csr = csr.astype(dtype)
    bad = ~np.isfinite(csr.data)
    if bad.any():
        raise NonFiniteError(
            f"`{name}` contains {int(bad.sum())} NaN or infinite stored value(s). Remove or impute them."
        )
    return csr


class SparseInputDense(Dense):
    """A Dense layer that also takes a sparse ``x`` (CSR), as the first layer of a network.

    Dense input runs the plain ``Dense`` code. Sparse input computes ``z = x W + b`` and
    ``dE/dW = x^T dE/dz`` as sparse-times-dense products; ``dE/dx`` is not formed (the
    first layer needs none). Saved and exported as a plain Dense (same config).
    """

    accepts_sparse = True

    def forward(self, x, *, training: bool = False):
        if not is_sparse(x):
            return super().forward(x, training=training)
        if self.weights is None:
            self.build(x.shape[1])
        weights, biases = self.weight_and_gradient()[0], self.biases
        z = np.asarray(x @ weights)  # (n, d) sparse @ (d, units) dense: O(nnz units)
        if biases is not None:
            z += biases
        a = self.activation.forward(z)
        self._inputs, self._z, self._a = x, z, a
        return a

    def backward(self, grad_output, *, from_preactivation: bool = False, input_gradient: bool = True):
        inputs, z, a = self._inputs, self._z, self._a
        if inputs is None or not is_sparse(inputs) or z is None or a is None:
            return super().backward(
                grad_output, from_preactivation=from_preactivation, input_gradient=input_gradient
            )
        if grad_output.shape != z.shape:
            raise ShapeError(
                f"The gradient must have the layer output's shape {z.shape}. Got {grad_output.shape}."
            )
        self._pristine = False  # gradients exist, as in Dense.backward
        if from_preactivation:
            grad_z, self._output_gradient = grad_output, None
        else:
            grad_z = self.activation.backward(grad_output, z, a)
            self._output_gradient = grad_output
        self._delta = grad_z
        weights, weight_gradient = self.weight_and_gradient()
        weight_gradient[...] = inputs.T @ grad_z  # (d, n) sparse @ (n, units) dense: O(nnz units)
        if self.bias_gradient is not None:  # 1^T dE/dz, as Dense computes it
            np.dot(np.ones(grad_z.shape[0], dtype=grad_z.dtype), grad_z, out=self.bias_gradient)
        if not input_gradient:
            return None
        return np.dot(grad_z, weights.T)


class SparseBatches:
    """The sparse counterpart of ``training._Batches``: CSR row batches, in order or shuffled."""

    def __init__(self, X, y, sample_weight, size):
        self.X, self.y, self.weights, self.size = X, y, sample_weight, size

    def get(self, order, start):
        """Rows ``start:start + size`` of the epoch: (xb, yb, wb or None)."""
        stop = start + self.size
        rows = slice(start, stop) if order is None else order[start:stop]
        weights = None if self.weights is None else self.weights[rows]
        return self.X[rows], self.y[rows], weights
