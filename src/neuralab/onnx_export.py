"""Export a trained network (or a ``Model`` with its scaling) to an ONNX file.

The graph is the forward pass written with standard ONNX operators, default opset
``OPSET`` = 17 (ONNX Runtime >= 1.13 runs it; any opset from 13 on can be asked for):

    input (batch, n_inputs), float32
      [Model only]   x' = (x - mean) / scale                          Sub, Div
      per layer      z = x W + b                                      MatMul, Add
                     a = activation(z)                                see below
      [regressor]    y = y' * target_scale + target_mean              Mul, Add
      [one sigmoid   p = [1 - a, a]                                   Sub, Concat
       unit]

    sigmoid -> Sigmoid, tanh -> Tanh, relu -> Relu, leaky_relu -> LeakyRelu(alpha),
    softmax -> Softmax(axis=-1), linear -> Identity,
    binary_step -> Cast(GreaterOrEqual(z, 0), float): step(z) = 1 if z >= 0 else 0

The input is named ``"input"`` and its first dimension (``"batch"``) is dynamic. For a
``Model`` the input columns are the encoded inputs in ``model.preprocessor.input_names``
order (a categorical column enters one-hot, one column per category), *before*
standardisation: the ONNX graph applies the stored mean and scale itself. The output is
``"probabilities"`` (n, n_classes) for a classifier (what ``Model.predict_proba`` gives),
``"prediction"`` (n, 1) in the target's units for a regressor, ``"output"`` (n, units)
for a bare ``Sequential``. Weights are stored in float32 whatever the network's dtype.

``onnx`` is an optional extra: ``pip install 'neuralab[onnx]'``. It is imported only when
``export_onnx`` runs, so ``import neuralab`` never needs it.
"""

from __future__ import annotations

import json
import os

import numpy as np

from ._files import atomic_write
from ._version import __version__
from .errors import NeuralabError, ValidationError
from .layers import Dense
from .model import Model
from .network import Sequential

OPSET = 17
"""The default ONNX opset of exported files."""

MIN_OPSET = 13
"""The oldest opset the exported graph is valid in (Softmax over the last axis alone)."""

INPUT_NAME = "input"


class MissingExtraError(NeuralabError, ImportError):
    """An optional dependency (an extra of the neuralab package) is not installed."""


def _import_onnx():
    try:
        import onnx
    except ImportError as exc:
        raise MissingExtraError(
            "ONNX export needs the `onnx` package, which is not installed. "
            "Install the extra: pip install 'neuralab[onnx]'."
        ) from exc
    return onnx


def _activation_nodes(helper, activation, z: str, out: str, prefix: str) -> tuple[list, list]:
    """Nodes (and initializers) computing ``out = activation(z)``."""
    name = activation.name
    simple = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "Relu", "linear": "Identity"}
    if name in simple:
        return [helper.make_node(simple[name], [z], [out], name=f"{prefix}_{name}")], []
    if name == "leaky_relu":
        return [
            helper.make_node(
                "LeakyRelu", [z], [out], alpha=float(activation.alpha), name=f"{prefix}_leaky_relu"
            )
        ], []
    if name == "softmax":
        return [helper.make_node("Softmax", [z], [out], axis=-1, name=f"{prefix}_softmax")], []
    if name == "binary_step":
        zero = helper.make_tensor(f"{prefix}_zero", 1, [], [0.0])  # 1 = TensorProto.FLOAT
        nodes = [
            helper.make_node(
                "GreaterOrEqual",
                [z, f"{prefix}_zero"],
                [f"{prefix}_step_bool"],
                name=f"{prefix}_step_compare",
            ),
            helper.make_node("Cast", [f"{prefix}_step_bool"], [out], to=1, name=f"{prefix}_step_cast"),
        ]
        return nodes, [zero]
    raise ValidationError(
        f"The activation {name!r} has no ONNX mapping. Exportable: sigmoid, tanh, relu, leaky_relu, "
        "softmax, linear, binary_step."
    )


def _float_tensor(numpy_helper, values: object, name: str):
    return numpy_helper.from_array(np.asarray(values, dtype=np.float32), name=name)


def build_onnx(model_or_network: Model | Sequential, *, opset: int = OPSET):
    """Return the ``onnx.ModelProto`` of ``model_or_network`` (checked by ``onnx.checker``).

    See the module docstring for the graph. Raises MissingExtraError without ``onnx``.
    """
    onnx = _import_onnx()
    from onnx import TensorProto, helper, numpy_helper

    if isinstance(model_or_network, Model):
        model, network = model_or_network, model_or_network.network
    elif isinstance(model_or_network, Sequential):
        model, network = None, model_or_network
    else:
        raise ValidationError(
            f"`export_onnx` needs a neuralab Model or Sequential. Got {type(model_or_network).__name__}."
        )
    newest = onnx.defs.onnx_opset_version()
    integer = not isinstance(opset, bool) and isinstance(opset, (int, np.integer))
    if not integer or not MIN_OPSET <= opset <= newest:
        raise ValidationError(
            f"`opset` must be an integer from {MIN_OPSET} to {newest} (this onnx's newest). Got {opset!r}."
        )
    network.require_built()

    nodes, initializers = [], []
    current = INPUT_NAME
    metadata = {"neuralab_version": __version__, "opset": str(int(opset))}
    if model is not None:
        pre = model.preprocessor
        initializers += [
            _float_tensor(numpy_helper, pre.mean, "input_mean"),
            _float_tensor(numpy_helper, pre.scale, "input_scale"),
        ]
        nodes += [
            helper.make_node("Sub", [current, "input_mean"], ["centred"], name="standardise_sub"),
            helper.make_node("Div", ["centred", "input_scale"], ["standardised"], name="standardise_div"),
        ]
        current = "standardised"
        metadata.update(
            task=model.task,
            target=model.target,
            input_names=json.dumps(pre.input_names),
            classes=json.dumps([str(c) for c in model.classes]),
        )

    for position, layer in enumerate(network.layers):
        if not isinstance(layer, Dense):  # Dropout: the identity at prediction time
            continue
        prefix = f"layer{position}"
        initializers.append(_float_tensor(numpy_helper, layer.weights, f"{prefix}_weights"))
        nodes.append(
            helper.make_node(
                "MatMul", [current, f"{prefix}_weights"], [f"{prefix}_xw"], name=f"{prefix}_matmul"
            )
        )
        z = f"{prefix}_xw"
        if layer.use_bias:
            initializers.append(_float_tensor(numpy_helper, layer.biases, f"{prefix}_biases"))
            nodes.append(
                helper.make_node("Add", [z, f"{prefix}_biases"], [f"{prefix}_z"], name=f"{prefix}_add")
            )
            z = f"{prefix}_z"
        activation_nodes, constants = _activation_nodes(helper, layer.activation, z, f"{prefix}_a", prefix)
        nodes += activation_nodes
        initializers += constants
        current = f"{prefix}_a"

    output_name, width = "output", network.output_dim
    if model is not None and model.task == "regression":
        pre = model.preprocessor
        initializers += [
            _float_tensor(numpy_helper, pre.target_scale, "target_scale"),
            _float_tensor(numpy_helper, pre.target_mean, "target_mean"),
        ]
        nodes += [
            helper.make_node("Mul", [current, "target_scale"], ["target_scaled"], name="unscale_mul"),
            helper.make_node("Add", ["target_scaled", "target_mean"], ["prediction"], name="unscale_add"),
        ]
        output_name = "prediction"
    elif model is not None:
        if width == 1:  # one sigmoid unit gives P(second class): probabilities [1 - p, p]
            initializers.append(_float_tensor(numpy_helper, 1.0, "one"))
            nodes += [
                helper.make_node("Sub", ["one", current], ["complement"], name="complement_sub"),
                helper.make_node(
                    "Concat", ["complement", current], ["probabilities"], axis=1, name="probabilities_concat"
                ),
            ]
            width = 2
        else:
            nodes.append(helper.make_node("Identity", [current], ["probabilities"], name="probabilities"))
        output_name = "probabilities"
    else:
        nodes.append(helper.make_node("Identity", [current], ["output"], name="output"))

    graph = helper.make_graph(
        nodes,
        "neuralab",
        [helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, ["batch", network.input_dim])],
        [helper.make_tensor_value_info(output_name, TensorProto.FLOAT, ["batch", width])],
        initializer=initializers,
    )
    opset_id = helper.make_opsetid("", int(opset))
    proto = helper.make_model(
        graph,
        opset_imports=[opset_id],
        producer_name="neuralab",
        producer_version=__version__,
        doc_string="A neuralab feedforward network exported by neuralab.export_onnx.",
    )
    proto.ir_version = helper.find_min_ir_version_for([opset_id])
    helper.set_model_props(proto, metadata)
    onnx.checker.check_model(proto, full_check=True)
    return proto


def export_onnx(model_or_network: Model | Sequential, path: str | os.PathLike, *, opset: int = OPSET) -> str:
    """Write ``model_or_network`` as an ONNX file at ``path`` (atomically); return the path.

    Parameters
    ----------
    model_or_network : Model or Sequential
        A ``Model`` exports with its input standardisation (and, for regression, the
        inverse target scaling); its outputs equal ``predict_proba`` (classifier) or
        ``predict`` (regressor, shape (n, 1)) on the encoded inputs. A ``Sequential``
        exports its forward pass: outputs equal ``network.predict``.
    path : str or path-like
        The file to write; an existing file is replaced (temporary file + ``os.replace``).
    opset : int
        The ONNX opset, default ``OPSET`` = 17.

    Raises
    ------
    MissingExtraError
        ``onnx`` is not installed (``pip install 'neuralab[onnx]'``).

    Examples
    --------
    Needs the onnx extra; onnxruntime then gives the network's own predictions:
    >>> import os, tempfile
    >>> import numpy as np
    >>> import onnxruntime
    >>> import neuralab as nl
    >>> net = nl.Sequential([nl.Dense(3, "relu", input_dim=2, seed=0), nl.Dense(1, "sigmoid", seed=1)])
    >>> X = np.array([[0.5, -1.0]], dtype=np.float32)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = nl.export_onnx(net, os.path.join(folder, "net.onnx"))
    ...     session = onnxruntime.InferenceSession(path)
    ...     out = session.run(None, {session.get_inputs()[0].name: X})[0]
    >>> np.allclose(out, net.predict(X), atol=1e-6)
    True
    """
    proto = build_onnx(model_or_network, opset=opset)
    if not isinstance(path, (str, os.PathLike)) or isinstance(os.fspath(path), bytes):
        raise ValidationError(f"`path` must be a file name (str or pathlib.Path). Got {type(path).__name__}.")
    path = os.fspath(path)
    with atomic_write(path) as handle:  # OutputError for a folder, a missing or read-only folder
        handle.write(proto.SerializeToString())
    return path


__all__ = ["MIN_OPSET", "OPSET", "MissingExtraError", "build_onnx", "export_onnx"]
