"""The ``Diagnosis`` record and its plain words: what vanishing, exploding or overshooting
gradients look like in the numbers, and what to change (the cause first).

``diagnostics`` decides the status from the gradient norms (and re-exports ``Diagnosis``);
this module only writes the advice. Over n sigmoid layers the f' factors multiply to at most
4^-n, since sigma'(z) = sigma(z)(1 - sigma(z)) <= 1/4.

Examples
--------
>>> from neuralab.diagnosis import Diagnosis, advice
>>> d = Diagnosis("exploding", 1, 1e4, 1e4, 0, [1e4, 1.0])
>>> advice(d, ["relu", "sigmoid"], 0.1).split(":")[0]
'Gradients explode'
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from . import _html, _svg

VANISHING_RATIO = 1e-3
"""A layer whose gradient norm is below this fraction of the output layer's counts as vanishing."""
EXPLODING_RATIO = 1e3
"""A layer whose gradient norm is above this multiple of the output layer's counts as exploding."""


@dataclass
class Diagnosis:
    """What the gradient norms of one moment say.

    ``status`` is "vanishing", "exploding", "healthy", "no_gradient" (the output layer's
    weight gradient is exactly 0: nothing flows back) or "too_large_learning_rate" (the
    training loss jumped before the gradients vanished or stopped: the step size is the cause,
    and ``symptom`` says which of the two it caused); ``layer`` the 1-based layer with the most
    extreme norm relative to the output layer, ``ratio`` that norm divided by the output
    layer's; ``first_to_last`` the first layer's norm over the last's; ``advice`` plain words,
    the cause first.
    """

    status: str
    layer: int | None
    ratio: float
    first_to_last: float
    epoch: int
    gradient_norms: list[float]
    saturated: list[float | None] = field(default_factory=list)
    dead: list[float | None] = field(default_factory=list)
    advice: str = ""
    symptom: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "healthy"

    def to_dict(self) -> dict:
        return asdict(self)

    def _repr_html_(self) -> str:
        """IPython's rich display: the status, the gradient-flow bar chart, the numbers per
        layer and the advice."""
        norms = self.gradient_norms
        output = norms[-1] if norms else 0.0
        rows = []
        for index, norm in enumerate(norms):
            saturated = self.saturated[index] if index < len(self.saturated) else None
            dead = self.dead[index] if index < len(self.dead) else None
            rows.append(
                (
                    str(index + 1),
                    float(norm),
                    float(norm / output) if output else "-",
                    "-" if saturated is None else f"{saturated:.0%}",
                    "-" if dead is None else f"{dead:.0%}",
                )
            )
        tone = "ok" if self.ok else "bad"
        status = self.status.replace("_", " ")
        if self.symptom:
            status += f" ({self.symptom.replace('_', ' ')})"
        when = "before training" if self.epoch == 0 else f"after epoch {self.epoch}"
        where = f" at layer {self.layer}" if self.layer is not None and not self.ok else ""
        table = _html.table(["Layer", "||dE/dW||", "ratio to output", "saturated", "dead"], rows)
        return _html.block(
            f"<p>{_html.badge(status, tone)}{when}{_html.escape(where)}</p>",
            f'<div class="nl-figures">{gradient_flow_chart(norms)}{table}</div>',
            _html.paragraph(self.advice),
            title="Diagnosis: gradient flow",
        )


def gradient_flow_chart(norms: list[float], *, title: str = "Gradient flow", standalone: bool = False) -> str:
    """The weight-gradient norm of each layer (input side first) as bars on a log scale, with
    the vanishing line at ``VANISHING_RATIO`` times the output layer's norm (and the exploding
    line at ``EXPLODING_RATIO`` times it when a layer is above the output's). A bar outside
    those lines is red."""
    output = norms[-1] if norms else 0.0
    reference = []
    colours = []
    for norm in norms:
        outside = bool(output) and not VANISHING_RATIO <= norm / output <= EXPLODING_RATIO
        colours.append(_html.STATUS_COLOURS["bad"] if outside else _svg.PALETTE[0])
    if output > 0:
        reference.append((output * VANISHING_RATIO, f"vanishing below {VANISHING_RATIO:g} x output"))
        if max(norms) > output:
            reference.append((output * EXPLODING_RATIO, f"exploding above {EXPLODING_RATIO:g} x output"))
    return _svg.bar_chart(
        [str(i + 1) for i in range(len(norms))],
        norms,
        title=title,
        x_label="layer (input side first)",
        y_label="||dE/dW||",
        colours=colours,
        reference=reference,
        standalone=standalone,
    )


def learning_rate_advice(
    d: Diagnosis,
    jump: tuple[int, float, float] | None,
    weight_change: float | None,
    activations: list[str],
    learning_rate: float | None,
) -> str:
    rate = f" ({learning_rate:g})" if learning_rate is not None else ""
    smaller = f", e.g. {learning_rate / 10:g}" if learning_rate is not None else ""
    evidence = []
    if jump is not None:
        position, best, value = jump
        jumped = "became not finite" if not math.isfinite(value) else f"jumped to {value:.4g}"
        evidence.append(f"in epoch {position} the training loss {jumped} (its best before was {best:.4g})")
    if weight_change is not None:
        evidence.append(f"in one epoch the weights moved by {weight_change:.3g} times their own size")
    words = [f"The learning rate{rate} is too large: {' and '.join(evidence)}, so the steps overshoot."]
    dead_share = max((x for x in d.dead if x is not None), default=None)
    saturated_share = max((x for x in d.saturated if x is not None), default=None)
    if d.symptom == "no_gradient":
        dead_words = (
            ""
            if dead_share is None
            else f"; up to {dead_share:.0%} of the ReLU units output 0 for every sample"
        )
        words.append(
            f"The overshooting steps left no gradient flowing back (dE/dW is exactly 0 at the "
            f"output{dead_words})."
        )
    else:
        details = ""
        if saturated_share is not None and saturated_share > 0.5:
            details += f"; up to {saturated_share:.0%} of the sigmoid/tanh units are saturated"
        if dead_share is not None and dead_share > 0.5:
            details += f"; up to {dead_share:.0%} of the ReLU units are dead"
        words.append(
            f"After it the gradients vanish: at layer {d.layer} the weight-gradient norm is "
            f"{d.ratio:.2g} times the output layer's{details}."
        )
    words.append(
        f"Re-initialise the weights and use a smaller learning rate{smaller}; the activations "
        f"({', '.join(sorted(set(activations[:-1]))) or 'as they are'}) are not the cause."
    )
    return " ".join(words)


def advice(d: Diagnosis, activations: list[str], learning_rate: float | None) -> str:
    depth = len(d.gradient_norms)
    if d.status == "healthy":
        return (
            f"Gradients reach every layer: the smallest layer norm is {d.ratio:.2g} times the output layer's."
        )
    where = f"layer {d.layer} of {depth}"
    if d.status == "vanishing":
        hidden = set(activations[:-1])
        words = [
            f"Gradients vanish: at {where} the weight-gradient norm is {d.ratio:.2g} times the "
            "output layer's, so the first layers barely learn."
        ]
        if hidden & {"sigmoid", "tanh"}:
            kind = "/".join(sorted(hidden & {"sigmoid", "tanh"}))
            n_sigmoid = sum(name == "sigmoid" for name in activations[:-1])
            if n_sigmoid:
                layers = "layer's f' factor is" if n_sigmoid == 1 else "layers' f' factors multiply to"
                why = (
                    f"sigmoid' <= 1/4, so the {n_sigmoid} sigmoid {layers} at most 4^-{n_sigmoid} = "
                    f"{4.0**-n_sigmoid:.2g}; with small weights the gradient shrinks roughly like "
                    "(|w|/4)^n"
                )
            else:
                why = "tanh' <= 1, and far below 1 for saturated units"
            words.append(
                f"The hidden layers use {kind}: on its way back the gradient is multiplied, "
                f"layer by layer, by w f'(z) ({why}). Use relu or leaky_relu in the hidden "
                "layers."
            )
        saturated = [s for s in d.saturated if s is not None]
        if saturated and max(saturated) > 0.5:
            words.append(
                f"Up to {max(saturated):.0%} of the sigmoid/tanh units are saturated: "
                "standardise the inputs and use Glorot initialisation."
            )
        dead = [x for x in d.dead if x is not None]
        if dead and max(dead) > 0.5:
            words.append(
                f"Up to {max(dead):.0%} of the ReLU units are dead (always 0): use He "
                "initialisation, a smaller learning rate or leaky_relu."
            )
        if depth > 4:
            words.append(f"The network is {depth} layers deep; fewer layers also help.")
        return " ".join(words)
    rate = f" (now {learning_rate:g})" if learning_rate is not None else ""
    return (
        f"Gradients explode: at {where} the weight-gradient norm is {d.ratio:.2g} times the output "
        f"layer's. Lower the learning rate{rate}, use smaller initial weights (Glorot or He "
        "initialisation) and standardise the inputs."
    )


__all__ = [
    "EXPLODING_RATIO",
    "VANISHING_RATIO",
    "Diagnosis",
    "advice",
    "gradient_flow_chart",
    "learning_rate_advice",
]
