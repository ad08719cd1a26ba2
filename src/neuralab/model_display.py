"""A Model's rich display in a notebook (``Model._repr_html_``): the task, the target and
its classes, the loss and optimizer, the network's layers (``Sequential.summary_rows``) and
each input's scaling, x_std = (x - mean) / std with the training rows' mean and std.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import _html

if TYPE_CHECKING:
    from .model import Model

__all__ = ["model_html"]


def model_html(model: Model, *, max_inputs: int = 40) -> str:
    """The HTML of ``model``: three tables (facts, network, the first ``max_inputs`` inputs'
    scaling), escaped and self-contained (``_html.block``)."""
    pre = model.preprocessor
    facts = [
        ("task", f"{model.task} ({pre.task_rule})" if pre.task_rule else model.task),
        ("target", model.target),
    ]
    if model.task == "classification":
        facts.append(("classes", ", ".join(str(c) for c in model.classes)))
    facts += [
        ("loss", model.loss),
        ("optimizer", "none yet" if model.optimizer is None else type(model.optimizer).__name__),
        ("trained", f"{model.training.get('epochs', 0)} epochs" if model.fitted else "not fitted"),
    ]
    kinds = pre.kinds

    def kind_of(name: str) -> str:  # "colour=red" and "day (year)" come from a column
        if name in kinds:
            return kinds[name]
        return next(
            (kind for column, kind in kinds.items() if name.startswith((f"{column}=", f"{column} ("))), ""
        )

    names = pre.input_names
    inputs = [
        (name, kind_of(name), float(mean), float(scale))
        for name, mean, scale in zip(names, pre.mean, pre.scale, strict=False)
    ]
    parts = [
        _html.table(["", ""], facts, caption="Model"),
        _html.table(
            ["Layer", "Units", "Activation", "Output shape", "Parameters"],
            model.network.summary_rows(),
            caption="Network",
        ),
        _html.table(
            ["Input", "Column kind", "Mean", "Std"],
            inputs[:max_inputs],
            caption=f"Scaling: each of the {len(names)} inputs enters as (x - mean) / std",
        ),
    ]
    if len(inputs) > max_inputs:
        parts.append(_html.paragraph(f"... and {len(inputs) - max_inputs} more inputs.", note=True))
    return _html.block(*parts)
