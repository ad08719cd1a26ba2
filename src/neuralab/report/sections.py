"""The tour's words: each section's text, written from the run's own numbers (the claims hold
or the text says what happened instead), and the sections in the order of the course notes."""

from __future__ import annotations

from collections.abc import Sequence

from .. import experiments
from .page import Section
from .tables import (
    backprop_tables,
    compare_table,
    descent_table,
    gallery_table,
    training_table,
    vanishing_table,
)


def _claims_text(claims: Sequence[experiments.Claim]) -> str:
    """The claims' sentences, one paragraph each (the claim or what happened instead)."""
    return "\n\n".join(claim.text for claim in claims)


def initialisation_text(result: experiments.VanishingResult) -> str:
    """How the demonstration's weights start, and what Keras and PyTorch do by default."""
    inits = {run.activation: run.initializer for run in result.runs}
    used = ", ".join(f"{name}: {init}" for name, init in inits.items())
    return (
        "Initialisation (" + used + "). He uniform draws W from U(-sqrt(6/fan_in), sqrt(6/fan_in)), "
        "variance 2/fan_in: a ReLU zeroes about half its inputs, so twice the variance keeps the "
        "signal's size from layer to layer, the usual practice for the ReLU family. Glorot uniform, "
        "U(-sqrt(6/(fan_in + fan_out)), ...), suits sigmoid and tanh. For comparison, Keras's Dense "
        "layer defaults to glorot_uniform (biases zero) whatever the activation, and PyTorch's "
        "nn.Linear to kaiming_uniform with a = sqrt(5), which is U(-1/sqrt(fan_in), 1/sqrt(fan_in)): "
        "variance 1/(3 fan_in), six times below He."
    )


def vanishing_text(result: experiments.VanishingResult) -> str:
    """The vanishing-gradient section: the theory, the settings, then each claim on this run's numbers."""
    schedule = f", the rate multiplied by {result.decay:g} after every epoch" if result.decay < 1 else ""
    return (
        "The gradient reaching the first layer is a product of one factor w_k sigma'(z_k) per "
        f"layer. sigma'(z) <= 1/4, so {result.depth} sigmoid layers can shrink it by up to "
        f"4^-{result.depth} = {result.bound_for_depth:.2g} (the weights multiply in too): the first "
        "layers of a deep sigmoid network learn orders of magnitude more slowly. relu'(z) = 1 for "
        "every active unit, so ReLU passes the gradient on.\n\n"
        f"The same network, {result.depth} hidden layers of {result.width} units, trained with each "
        f"activation from seed {result.seed}: SGD with momentum {result.momentum:g} at learning rate "
        f"{result.learning_rate:g}{schedule}, batch {result.batch_size}, {result.epochs} epochs. "
        + initialisation_text(result)
        + "\n\n"
        "What this run measured:\n\n" + _claims_text(experiments.vanishing_claims(result))
    )


def care_text(result: experiments.CareResult) -> str:
    """The paragraph under the deep-ReLU figure, from its runs' numbers."""
    parts = []
    for label, run in zip(result.labels, result.runs, strict=True):
        spike = experiments.late_spike(run.loss)
        what = (
            f"diverged in epoch {run.diverged_at_epoch}"
            if run.diverged_at_epoch is not None
            else f"loss spiked in epoch {spike.epoch} (to {spike.loss:.3g} from {spike.lowest:.3g})"
            if spike is not None
            else f"loss fell to {run.loss[-1]:.3g} without a late spike"
        )
        parts.append(f"{label}: {run.test_accuracy:.1%} test accuracy, {what}.")
    return (
        "Deep ReLU networks need care. The same ReLU network, seed "
        f"{result.seed}, under the lesson's settings and two common shortcuts: " + " ".join(parts)
    )


def training_text(result: experiments.TrainingResult) -> str:
    """The digits section, with a word on overfitting when the test loss rose while training fell."""
    text = (
        "The iterative training process on real data: forward propagation, the error, "
        "backpropagation and the update, batch after batch, epoch after epoch. A small ReLU "
        "network with a softmax output learns to read 8x8 digit images; the test images were "
        "never used for training (their loss is measured after each epoch, the test loss)."
    )
    since = experiments.overfitting_since(result.val_loss, result.loss)
    if since is not None:
        text += (
            f"\n\nTest loss rising since epoch {since}: overfitting. The training loss kept falling "
            f"({result.loss[since - 1]:.3g} -> {result.loss[-1]:.3g}) while the test loss rose "
            f"({result.val_loss[since - 1]:.3g} -> {result.val_loss[-1]:.3g}): the network learns the "
            "training images' details rather than digits. Early stopping would keep epoch "
            f"{since}'s weights."
        )
    else:
        best = min(range(len(result.val_loss)), key=result.val_loss.__getitem__) + 1 if result.val_loss else 0
        text += (
            f"\n\nNo overfitting in this run: the test loss was lowest in epoch {best} and ended within "
            f"{experiments.claims.OVERFIT_MARGIN:.0%} of it."
            if result.val_loss
            else ""
        )
    return text


def tour_sections(descent, compare, backprop, vanishing, gallery, training, care=None) -> list[Section]:
    """The report's sections in the order of the course notes."""
    vanishing_figures = [
        ("gradient_flow", "Weight-gradient norm per layer before training (log scale)"),
        ("vanishing_loss", "Training loss per epoch for each hidden activation"),
    ]
    text = vanishing_text(vanishing)
    if care is not None:
        vanishing_figures.append(
            (
                "relu_care",
                "Deep ReLU needs care: the lesson's settings against Glorot "
                "initialisation and plain SGD at a constant 0.1",
            )
        )
        text += "\n\n" + care_text(care)
    return [
        Section(
            "descent",
            "1. Gradient descent on z = 2x",
            "The cost J(w) = sum (z_i - w x_i)^2 measures how far the line z = w x is from data with "
            "z = 2x; its minimum is at w = 2. Gradient descent starts at w0 = 0.2 and repeats "
            "w <- w - learning_rate * dJ/dw. The first step makes the biggest drop in J; the steps "
            "shrink as the slope flattens near the minimum.\n\n"
            "Here w_k - 2 = (w0 - 2)(1 - 2 lr sum x^2)^k: a small learning rate converges slowly, "
            "a too-large one overshoots further at every step and diverges.\n\n"
            + _claims_text(experiments.descent_claims(compare)),
            [descent_table(descent), compare_table(compare)],
            [
                ("descent", "The parabola J(w) with the successive w's, and J per iteration"),
                (
                    "descent_compare",
                    "Every step of a small, a good and a too-large learning rate on J(w) "
                    "(the too-large one zig-zags outwards), and J per iteration",
                ),
            ],
        ),
        Section(
            "backprop",
            "2. Backpropagation: the two-neuron example",
            "One input x feeds two sigmoid neurons. Forward propagation computes z1, a1, z2, a2 and "
            "the error E = 1/2 (T - a2)^2. Backpropagation applies the chain rule from the output back: "
            "dE/dz2 = -(T - a2) a2 (1 - a2) at the output neuron, dE/dz1 = dE/dz2 w2 a1 (1 - a1) at the "
            "first; each weight's gradient is its neuron's dE/dz times the neuron's input, each bias's "
            "is dE/dz, and every parameter moves by -learning_rate x its gradient.",
            backprop_tables(backprop),
            [
                (
                    "backprop",
                    "Forward pass (parameters and values, blue) and backward pass (dE/dz at each "
                    "neuron and the gradients, red)",
                )
            ],
        ),
        Section(
            "vanishing",
            "3. The vanishing-gradient problem",
            text,
            [vanishing_table(vanishing)],
            vanishing_figures,
        ),
        Section(
            "activations",
            "4. The seven activation functions",
            "Activation functions make networks non-linear. Sigmoid and tanh saturate (vanishing "
            "gradients); ReLU is the default for hidden layers; leaky_relu keeps a small slope alpha "
            "for z < 0 (zoomed in the figure) so no unit dies; softmax turns the output layer's "
            "scores into class probabilities.",
            [gallery_table(gallery)],
            [("activations", "Each activation (solid) and its derivative (dashed)")],
        ),
        Section(
            "training",
            "5. A real training run: handwritten digits",
            training_text(training),
            [training_table(training)],
            [
                (
                    "training_history",
                    "Training and test loss per epoch, and each layer's weight-gradient "
                    "norm averaged over the epoch's batches",
                )
            ],
        ),
    ]
