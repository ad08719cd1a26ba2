"""The Dense (fully connected) layer: z = x W + b, a = activation(z).

Shapes: ``x`` is ``(n_samples, inputs)``, ``weights`` W is ``(inputs, units)``, ``biases``
b is ``(units,)``, ``z`` and ``a`` are ``(n_samples, units)``.

Backpropagation through the layer is the chain rule written out:

    dE/dz = activation.backward(dE/da)          (dE/da * f'(z), or softmax's VJP)
    dE/dW = x^T dE/dz                            (inputs, units)
    dE/db = sum over samples of dE/dz            (units,)
    dE/dx = dE/dz W^T                            (n_samples, inputs), passed to the layer below
"""

from __future__ import annotations

import numpy as np

from ._validation import check_positive_int, check_seed
from .activations import Activation, get_activation
from .errors import NotBuiltError, ShapeError, ValidationError
from .initializers import Initializer, get_initializer
from .layer_interface import Layer


class Dense(Layer):
    """A fully connected layer of ``units`` neurons with one activation.

    Parameters
    ----------
    units : int
        Number of neurons (outputs) of the layer.
    activation : str or Activation, default "linear"
        One of the seven activations, by name or as an object.
    input_dim : int, optional
        Number of inputs; inferred from ``weights`` or from the first input otherwise.
    use_bias : bool, default True
        Whether the layer adds a bias vector b.
    weights : array of shape (inputs, units), optional
        Given initial weights (e.g. the course's worked examples).
    biases : array of shape (units,), optional
        Given initial biases (zeros otherwise).
    initializer : str or Initializer, default "glorot_uniform"
        Rule for random initial weights when ``weights`` is not given.
    seed : int, optional
        Seed of this layer's own initialisation; without it ``fit(seed=...)`` decides.

    Attributes
    ----------
    weights, biases : ndarray
        The parameters (``biases`` is None when ``use_bias=False``).
    weight_gradient, bias_gradient : ndarray
        dE/dW and dE/db from the last ``backward``.
    inputs, preactivation, output : ndarray
        x, z and a = f(z) of the last ``forward`` (read-only views of what it keeps).
    delta, output_gradient : ndarray
        dE/dz and dE/da of the last ``backward``.

    Examples
    --------
    z = x W + b, then a = sigmoid(z): for x = (1, 1), z = (0.4, 1.1):
    >>> import numpy as np
    >>> from neuralab import Dense
    >>> W, b = [[0.1, 0.2], [0.3, 0.4]], [0.0, 0.5]     # 2 inputs, 2 units
    >>> layer = Dense(2, "sigmoid", weights=W, biases=b)
    >>> layer.forward(np.array([[1.0, 1.0]])).round(4)
    array([[0.5987, 0.7503]])
    """

    activation: Activation
    units: int

    def __init__(
        self,
        units: int,
        activation: str | Activation = "linear",
        *,
        input_dim: int | None = None,
        use_bias: bool = True,
        weights: object = None,
        biases: object = None,
        initializer: str | Initializer = "glorot_uniform",
        seed: int | None = None,
    ):
        self.units = check_positive_int("units", units)
        self.activation = get_activation(activation)
        self.input_dim = check_positive_int("input_dim", input_dim, allow_none=True)
        self.use_bias = bool(use_bias)
        self.initializer = get_initializer(initializer)
        self.seed = check_seed(seed)
        self.dtype = np.dtype(np.float32)
        self.weights: np.ndarray | None = None
        self.biases: np.ndarray | None = None
        self.weight_gradient: np.ndarray | None = None
        self.bias_gradient: np.ndarray | None = None
        self._inputs: np.ndarray | None = None
        self._z: np.ndarray | None = None
        self._a: np.ndarray | None = None
        self._delta: np.ndarray | None = None
        self._output_gradient: np.ndarray | None = None
        self._pristine = False
        self._from_entropy = False
        self._ones: np.ndarray | None = None
        if biases is not None and not self.use_bias:
            raise ValidationError("`biases` were given but `use_bias=False`. Drop one of the two.")
        # Given values are kept in float64 so that Sequential(dtype="float64") gets them exactly.
        self._given_weights = None if weights is None else self._check_weights(weights)
        self._given_biases = None if biases is None else self._check_biases(biases)
        if self._given_weights is not None:
            if self.input_dim is not None and self._given_weights.shape[0] != self.input_dim:
                raise ShapeError(
                    f"`weights` has {self._given_weights.shape[0]} rows but `input_dim` is "
                    f"{self.input_dim}. `weights` must have shape (input_dim, units) = "
                    f"({self.input_dim}, {self.units})."
                )
            self._allocate(self._given_weights, self._given_biases)

    # -- parameters -------------------------------------------------------------------
    def _check_weights(self, weights: object) -> np.ndarray:
        w = np.array(weights)
        if w.dtype.kind not in "biuf":
            raise ValidationError(f"`weights` must hold numbers. Got dtype {w.dtype}.")
        if w.ndim != 2 or w.shape[1] != self.units:
            raise ShapeError(
                f"`weights` must have shape (inputs, units) = (inputs, {self.units}). Got shape "
                f"{w.shape}." + (" For one input use [[w1, w2, ...]]." if w.ndim == 1 else "")
            )
        if not np.isfinite(w).all():
            raise ValidationError("`weights` contains NaN or infinite values.")
        return w.astype(np.float64)

    def _check_biases(self, biases: object) -> np.ndarray:
        b = np.array(biases)
        if b.dtype.kind not in "biuf":
            raise ValidationError(f"`biases` must hold numbers. Got dtype {b.dtype}.")
        if b.shape != (self.units,):
            raise ShapeError(f"`biases` must have shape (units,) = ({self.units},). Got shape {b.shape}.")
        if not np.isfinite(b).all():
            raise ValidationError("`biases` contains NaN or infinite values.")
        return b.astype(np.float64)

    def _allocate(self, weights: np.ndarray, biases: np.ndarray | None) -> None:
        """Set the parameters (cast to the layer's dtype) and zero the gradients: in the
        existing arrays when their shape and dtype fit, so that arrays handed out by
        ``parameters()`` stay the layer's own."""
        b = np.zeros(self.units) if biases is None else biases
        # Values beyond float32's range become inf here without a warning: the network's
        # dtype is not known yet, and set_dtype refuses them if it stays float32.
        with np.errstate(over="ignore"):
            self.weights, self.weight_gradient = self._fill(self.weights, self.weight_gradient, weights)
            if self.use_bias:
                self.biases, self.bias_gradient = self._fill(self.biases, self.bias_gradient, b)
        self.input_dim = self.weights.shape[0]
        self._pristine = True  # still exactly the given or initial values

    def _fill(
        self, array: np.ndarray | None, gradient: np.ndarray | None, values: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """``values`` in ``array`` (reused if it has their shape and the layer's dtype, else a new
        C-ordered array), and a zeroed gradient array of the same shape."""
        if array is None or gradient is None or array.shape != np.shape(values) or array.dtype != self.dtype:
            array = np.array(values, dtype=self.dtype, order="C")
            return array, np.zeros_like(array)
        array[...] = values
        gradient.fill(0)
        return array, gradient

    @property
    def built(self) -> bool:
        """True once the weights exist."""
        return self.weights is not None

    def build(self, input_dim: int, rng: np.random.Generator | None = None, *, reseed: bool = False) -> None:
        """Create the weights for ``input_dim`` inputs (no-op if they already exist).

        The layer's own ``seed`` wins over ``rng``; with neither, fresh entropy is used.
        ``reseed=True`` redraws weights that came from fresh entropy and were never
        trained, so that ``fit(seed=...)`` decides them even if the layer was built early.
        """
        if self.built and not (reseed and self._from_entropy and self._pristine and rng is not None):
            return
        if self.input_dim is not None and input_dim != self.input_dim:
            raise ShapeError(
                f"This layer expects {self.input_dim} inputs (input_dim) but is given {input_dim}."
            )
        self._from_entropy = self.seed is None and rng is None
        if self.seed is not None:
            rng = np.random.default_rng(self.seed)
        elif rng is None:
            rng = np.random.default_rng()
        self._given_weights = self.initializer((input_dim, self.units), rng, np.dtype(np.float64))
        self._allocate(self._given_weights, self._given_biases)

    def set_dtype(self, dtype: np.dtype) -> None:
        """Cast parameters and gradients to ``dtype`` (done by Sequential)."""
        self.dtype = np.dtype(dtype)
        if not self.built:
            return
        if self._pristine and self._given_weights is not None:
            # re-cast from the float64 originals, so no precision is lost
            self._allocate(self._given_weights, self._given_biases)
        elif self.weights is not None:
            self._allocate(self.weights, self.biases)
            self._pristine = False
        for name in ("weights", "biases"):
            array = getattr(self, name)
            if array is not None and not np.isfinite(array).all():  # finite values were checked
                largest = np.finfo(self.dtype).max
                raise ValidationError(
                    f"The given `{name}` do not fit in {self.dtype.name} (largest magnitude "
                    f"{largest:.3g}). Build the network with dtype='float64', or scale them down."
                )

    def set_parameters(self, weights: object, biases: object = None) -> None:
        """Replace the weights (and biases) with given values, checked for shape."""
        w = self._check_weights(weights)
        if self.weights is not None and w.shape != self.weights.shape:
            raise ShapeError(f"`weights` must have shape {self.weights.shape}. Got {w.shape}.")
        if biases is not None and not self.use_bias:
            raise ValidationError("`biases` were given but this layer has `use_bias=False`.")
        if self.use_bias and biases is None:
            raise ValidationError("This layer has biases: give `biases` with the weights.")
        b = None if biases is None else self._check_biases(biases)
        if self.weights is not None:
            # In place: the arrays may be views into the network's flat training buffers.
            self.weights[...] = w
            if self.biases is not None:
                self.biases[...] = b
            self._pristine = True
        else:
            self._allocate(w, b)
        self._given_weights, self._given_biases = w, b
        self._from_entropy = False

    def adopt_buffers(self, parameters: np.ndarray, gradients: np.ndarray, offset: int) -> int:
        """Move parameters and gradients into views of two flat 1-D buffers, from ``offset``.

        Values are copied; returns the offset after this layer. The fit loop does this for the
        length of a fit (``training.flat``) so that an optimizer updates all parameters in one
        vectorised step, and ``restore_arrays`` undoes it.
        """
        self._require_built()
        for name, gradient_name in (("weights", "weight_gradient"), ("biases", "bias_gradient")):
            array = getattr(self, name)
            if array is None:
                continue
            stop = offset + array.size
            view = parameters[offset:stop].reshape(array.shape)
            view[...] = array
            gradient_view = gradients[offset:stop].reshape(array.shape)
            gradient_view[...] = getattr(self, gradient_name)
            setattr(self, name, view)
            setattr(self, gradient_name, gradient_view)
            offset = stop
        return offset

    def restore_arrays(self, parameters: list[np.ndarray], gradients: list[np.ndarray]) -> None:
        """Undo ``adopt_buffers``: copy the current values into ``parameters`` and ``gradients``
        (the arrays ``parameters()``/``gradients()`` returned before) and use those again."""
        names = ("weights", "biases") if self.use_bias else ("weights",)
        gradient_names = ("weight_gradient", "bias_gradient") if self.use_bias else ("weight_gradient",)
        for name, own in zip(names, parameters, strict=True):
            np.copyto(own, getattr(self, name))
            setattr(self, name, own)
        for name, own in zip(gradient_names, gradients, strict=True):
            np.copyto(own, getattr(self, name))
            setattr(self, name, own)

    def parameters(self) -> list[np.ndarray]:
        """The live parameter arrays: [weights, biases] (or [weights])."""
        self._require_built()
        return [array for array in (self.weights, self.biases) if array is not None]

    def gradients(self) -> list[np.ndarray]:
        """The live gradient arrays, in the order of ``parameters()``."""
        self._require_built()
        return [array for array in (self.weight_gradient, self.bias_gradient) if array is not None]

    def parameter_names(self) -> list[str]:
        """Names matching ``parameters()``: "weights", "biases"."""
        return ["weights", "biases"] if self.use_bias else ["weights"]

    def count_parameters(self) -> int:
        """Number of trainable numbers (0 until built)."""
        if not self.built:
            return 0
        return sum(array.size for array in self.parameters())

    def weight_and_gradient(self) -> tuple[np.ndarray, np.ndarray]:
        """(W, dE/dW) of a built layer: what weight penalties and gradient norms read."""
        if self.weights is None or self.weight_gradient is None:
            self._require_built()
            raise AssertionError("unreachable: a layer without weights is not built")
        return self.weights, self.weight_gradient

    def _require_built(self) -> None:
        if not self.built:
            raise NotBuiltError(
                "The layer has no weights yet: its input size is unknown. Give `input_dim`, "
                "`weights`, or run the network on data once (forward or fit)."
            )

    # -- passes -----------------------------------------------------------------------
    has_weights = True

    def forward(self, x: np.ndarray, *, training: bool = False) -> np.ndarray:
        """Return a = activation(x W + b) for ``x`` of shape (n_samples, inputs); cache x, z, a.

        ``training`` makes no difference to a Dense layer.
        """
        weights, biases = self.weights, self.biases
        if weights is None:
            self.build(x.shape[1])
            weights, biases = self.weight_and_gradient()[0], self.biases
        # The ndarray.dot method: np.dot's BLAS call without its dispatch wrapper (0.44 us
        # against 0.27 us on a tiny batch), and less overhead than @ on small arrays.
        z = x.dot(weights)
        if biases is not None:
            # One row: add the bias as a (1, units) view. Equal shapes take NumPy's fast
            # loop (0.38 us against 0.7 us to broadcast (units,) over (1, units)); same sum.
            z += biases if z.shape[0] != 1 else biases[None]
        a = self.activation.forward(z)
        self._inputs, self._z, self._a = x, z, a
        return a

    def backward(
        self, grad_output: np.ndarray, *, from_preactivation: bool = False, input_gradient: bool = True
    ) -> np.ndarray | None:
        """Fill ``weight_gradient`` and ``bias_gradient``; return dE/dx for the layer below.

        ``grad_output`` is dE/da of shape (n_samples, units), or dE/dz when
        ``from_preactivation`` is True (a loss fused with this layer's activation).
        ``input_gradient=False`` skips dE/dx (the first layer needs none).
        """
        inputs, z, a, weights = self._inputs, self._z, self._a, self.weights
        if inputs is None or z is None or a is None or weights is None:
            raise NotBuiltError("backward() needs a forward() pass first: nothing is cached.")
        if grad_output.shape != z.shape:
            raise ShapeError(
                f"The gradient must have the layer output's shape {z.shape}. Got {grad_output.shape}."
            )
        self._pristine = False  # gradients exist: an optimizer may change the weights now
        if from_preactivation:
            grad_z = grad_output
            self._output_gradient = None
        else:
            grad_z = self.activation.backward(grad_output, z, a)
            self._output_gradient = grad_output
        self._delta = grad_z
        inputs.T.dot(grad_z, self.weight_gradient)  # into the gradient array (out=)
        if self.use_bias:
            # dE/db = 1^T dE/dz: a matrix-vector product, faster than a reduction. The
            # vector of n_samples ones is kept between calls (inline: this is the hot path).
            ones = self._ones
            if ones is None or ones.shape[0] != grad_z.shape[0] or ones.dtype != grad_z.dtype:
                ones = self._ones = np.ones(grad_z.shape[0], dtype=grad_z.dtype)
            ones.dot(grad_z, self.bias_gradient)
        if not input_gradient:
            return None
        return grad_z.dot(weights.T)

    # -- what the last pass kept (read-only) -------------------------------------------
    @staticmethod
    def _read_only(array: np.ndarray | None) -> np.ndarray | None:
        if array is None:
            return None
        view = array.view()
        view.flags.writeable = False
        return view

    @property
    def inputs(self) -> np.ndarray | None:
        """x of the last ``forward``, shape (n_samples, inputs); None before any pass."""
        return self._read_only(self._inputs)

    @property
    def preactivation(self) -> np.ndarray | None:
        """z = x W + b of the last ``forward``, shape (n_samples, units)."""
        return self._read_only(self._z)

    @property
    def output(self) -> np.ndarray | None:
        """a = f(z) of the last ``forward``, shape (n_samples, units)."""
        return self._read_only(self._a)

    @property
    def delta(self) -> np.ndarray | None:
        """dE/dz of the last ``backward``, shape (n_samples, units): what dE/dW, dE/db and
        dE/dx are computed from (the loss's fused gradient when the pass started there)."""
        return self._read_only(self._delta)

    @property
    def output_gradient(self) -> np.ndarray | None:
        """dE/da the last ``backward`` received, shape (n_samples, units); None when that pass
        started from dE/dz (a loss fused with this layer's activation)."""
        return self._read_only(self._output_gradient)

    def get_config(self) -> dict:
        """Architecture (not weights) as plain JSON-ready values."""
        return {
            "type": "Dense",
            "units": self.units,
            "activation": self.activation.get_config(),
            "input_dim": self.input_dim,
            "use_bias": self.use_bias,
        }

    def __repr__(self) -> str:
        dims = f"input_dim={self.input_dim}, " if self.input_dim else ""
        return f"Dense({self.units}, {self.activation.name!r}, {dims}use_bias={self.use_bias})"


__all__ = ["Dense", "Layer"]
