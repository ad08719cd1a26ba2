"""The course's lessons hold on their default runs, and the pages say what happened when they do not.

Each claim is checked on the run's own numbers (``experiments.claims``): on the default runs every
claim holds; on runs built to break one, the sentence is what happened instead.
"""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest
from typer.testing import CliRunner

import neuralab as nl
from neuralab import experiments, plots, report
from neuralab.cli import app
from neuralab.experiments import claims
from neuralab.history import History

runner = CliRunner()


@pytest.fixture(scope="module")
def default_vanishing():
    """The tour's vanishing run (the defaults, seed 0)."""
    return experiments.vanishing()


@pytest.fixture(scope="module")
def default_compare():
    return experiments.compare_learning_rates()


# -- the claims hold on the default runs -------------------------------------------------------
def test_every_vanishing_claim_holds_on_the_default_run(default_vanishing):
    result = default_vanishing
    found = {claim.key: claim for claim in experiments.vanishing_claims(result)}
    assert set(found) == {
        "sigmoid_ratio",
        "sigmoid_chance",
        "tanh_better",
        "relu_reaches",
        "leaky_relu_reaches",
        "relu_learns",
        "leaky_relu_learns",
    }
    assert all(claim.holds for claim in found.values()), [c.text for c in found.values() if not c.holds]
    sigmoid, relu, leaky = (result.run(name) for name in ("sigmoid", "relu", "leaky_relu"))
    # sigmoid's ratio within a factor 100 of 4^-10, relu's within a factor 10 of 1
    assert 4.0**-10 / 100 < sigmoid.first_to_last_at_start < 4.0**-10 * 100
    assert relu.first_to_last_at_start > 0.1 and leaky.first_to_last_at_start > 0.1
    assert relu.test_accuracy >= 0.9 and leaky.test_accuracy >= 0.9 and sigmoid.test_accuracy <= 0.15
    assert claims.late_spike(relu.loss) is None and claims.late_spike(leaky.loss) is None
    assert f"{sigmoid.first_to_last_at_start:.2g}" in found["sigmoid_ratio"].text
    assert f"{relu.test_accuracy:.1%}" in found["relu_learns"].text
    # the documented settings: He for the ReLU family, Glorot otherwise
    assert {run.activation: run.initializer for run in result.runs} == {
        "sigmoid": "glorot_uniform",
        "tanh": "glorot_uniform",
        "relu": "he_uniform",
        "leaky_relu": "he_uniform",
    }


def test_every_descent_claim_holds_on_the_default_comparison(default_compare):
    good, large = experiments.descent_claims(default_compare)
    assert good.holds and large.holds
    assert good.text.startswith("The good rate 0.4 converges: |1 - 2·lr·Σx²| = 0.5 < 1")
    assert "J <= 1e-06 after 11 steps" in good.text
    # 1.8 * 2 * 0.625 = 2.25: |1 - 2.25| = 1.25
    assert large.text.startswith("The too-large rate 1.8 diverges: |1 - 2·lr·Σx²| = 1.25 > 1")
    assert "the engine stopped it in epoch 22" in large.text


# -- and say what happened when they do not ------------------------------------------------------
def test_descent_claims_say_what_happened_on_rates_that_break_them():
    swapped = experiments.compare_learning_rates(learning_rates={"good": 1.7, "too large": 1.0})
    good, large = experiments.descent_claims(swapped)
    assert not good.holds and not large.holds
    # 1.7: |1 - 2 * 1.7 * 0.625| = 1.125 >= 1
    assert good.text.startswith(
        "The rate 1.7 did not converge: |1 - 2·lr·Σx²| = 1.12 >= 1, so it cannot converge"
    )
    # 1.0: |1 - 1.25| = 0.25 <= 1
    assert large.text.startswith(
        "The rate 1 is not too large: |1 - 2·lr·Σx²| = 0.25 <= 1, so it did not diverge (converged"
    )
    few = experiments.compare_learning_rates(steps=3)
    assert not experiments.descent_claims(few)[0].holds
    assert "< 1 but 3 steps were too few" in experiments.descent_claims(few)[0].text


def _broken(result, activation, **changes):
    """A copy of ``result`` with one run's numbers changed."""
    broken = copy.deepcopy(result)
    for key, value in changes.items():
        setattr(broken.run(activation), key, value)
    return broken


def test_vanishing_claims_say_what_happened_when_the_numbers_disagree(default_vanishing):
    result = default_vanishing
    far = claims.sigmoid_ratio_near_bound(_broken(result, "sigmoid", first_to_last_at_start=0.02))
    assert not far.holds and "0.02 of the last layer's, not near 4^-10 = 9.5e-07 but far above it" in far.text
    below = claims.sigmoid_ratio_near_bound(_broken(result, "sigmoid", first_to_last_at_start=1e-12))
    assert not below.holds and "far below it" in below.text
    stuck = claims.relu_reaches_first_layer(_broken(result, "relu", first_to_last_at_start=1e-4))
    assert not stuck.holds and "only 0.0001 of the last layer's" in stuck.text
    spike_loss = [2.0, 1.0, 0.5, 0.3, 0.2, 0.1, 0.08, 0.06, 0.05, 0.04, 0.03, 2.8, 0.5]
    spiked = claims.learns(_broken(result, "leaky_relu", loss=spike_loss), "leaky_relu")
    assert not spiked.holds and "loss spiked in epoch 12, to 2.8 from 0.03" in spiked.text
    weak = claims.learns(_broken(result, "relu", test_accuracy=0.58), "relu")
    assert not weak.holds and "reached only 58.0% test accuracy" in weak.text
    diverged = claims.learns(_broken(result, "relu", diverged_at_epoch=4), "relu")
    assert not diverged.holds and "diverged in epoch 4" in diverged.text
    learned = claims.sigmoid_near_chance(_broken(result, "sigmoid", test_accuracy=0.8))
    assert (
        not learned.holds and "learned after all: 80.0% test accuracy (guessing gives 10.0%)" in learned.text
    )


def test_the_page_states_what_happened_instead_of_a_claim_that_fails(default_vanishing):
    holds = report.vanishing_text(default_vanishing)
    for claim in experiments.vanishing_claims(default_vanishing):
        assert claim.text in holds
    broken = _broken(default_vanishing, "relu", test_accuracy=0.58)
    text = report.vanishing_text(broken)
    assert "The deep relu network reached only 58.0% test accuracy" in text
    assert "The deep relu network learned" not in text


def test_late_spike_and_overfitting_both_ways():
    assert claims.late_spike([2.3, 1.0, 0.4, 0.2, 0.1, 0.05, 0.04, 0.03]) is None
    assert claims.late_spike([2.3, 1.0, 3.0, 0.2, 0.1, 0.05]) is None  # an early bump is no late spike
    spike = claims.late_spike([2.3, 1.0, 0.4, 0.2, 0.1, 0.05, 3.4, 0.9])
    assert (spike.epoch, spike.lowest, spike.loss) == (7, 0.05, 3.4)
    assert claims.late_spike([1.0, 0.5, 0.4, float("nan")]).epoch == 4
    assert claims.overfitting_since([1.0, 0.5, 0.3, 0.35, 0.4], [1.0, 0.5, 0.3, 0.2, 0.1]) == 3
    assert claims.overfitting_since([1.0, 0.5, 0.3, 0.31], [1.0, 0.5, 0.3, 0.2]) is None  # within 5 %
    assert claims.overfitting_since([1.0, 0.5, 0.3, 0.4], [1.0, 0.5, 0.3, 0.9]) is None  # training rose too


def test_training_text_names_overfitting_only_when_it_happens():
    base = dict(
        dataset="digits",
        hidden_units=8,
        epochs=5,
        learning_rate=0.1,
        batch_size=32,
        seed=0,
        n_train=10,
        n_test=5,
        summary="",
    )
    rising = experiments.TrainingResult(
        **base, loss=[1.0, 0.5, 0.3, 0.2, 0.1], val_loss=[1.0, 0.5, 0.3, 0.35, 0.4]
    )
    assert "Test loss rising since epoch 3: overfitting" in report.training_text(rising)
    flat = experiments.TrainingResult(
        **base, loss=[1.0, 0.5, 0.3, 0.2, 0.1], val_loss=[1.0, 0.5, 0.3, 0.29, 0.3]
    )
    text = report.training_text(flat)
    assert "overfitting" not in text.replace("No overfitting", "") and "lowest in epoch 4" in text


# -- the CLI's defaults are the tour's, and so are its numbers -------------------------------------
def test_vanishing_cli_defaults_equal_the_tour_and_give_the_same_numbers(default_vanishing):
    settings = report.TourSettings()
    defaults = experiments.VANISHING_DEFAULTS
    assert (settings.vanishing_depth, settings.vanishing_width, settings.vanishing_epochs) == (
        defaults["depth"],
        defaults["width"],
        defaults["epochs"],
    )
    got = runner.invoke(app, ["vanishing", "--activations", "relu", "--json"])
    assert got.exit_code == 0, got.output
    data = json.loads(got.output)
    assert {
        k: data[k] for k in ("depth", "width", "epochs", "learning_rate", "momentum", "decay", "batch_size")
    } == defaults
    for run in data["runs"]:
        same = default_vanishing.run(run["activation"])
        assert run["test_accuracy"] == same.test_accuracy and run["loss"] == same.loss
    assert [c["key"] for c in data["claims"]] == ["relu_reaches", "relu_learns"]
    assert all(c["holds"] for c in data["claims"])


def test_vanishing_cli_refuses_bad_momentum_and_decay():
    for option, value, message in (
        ("--momentum", "1", "`--momentum` must be a number in [0, 1)"),
        ("--decay", "0", "`--decay` must be a number in (0, 1]"),
        ("--initializer", "xavier", "xavier"),
    ):
        got = runner.invoke(app, ["vanishing", option, value, "--epochs", "1"])
        assert got.exit_code == 2 and message in got.output, got.output


# -- figures ----------------------------------------------------------------------------------
def _legends_outside_axes(figure):
    figure.canvas.draw() if hasattr(figure.canvas, "draw") else None
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    for axes in figure.axes:
        legend = axes.get_legend()
        if legend is not None:
            box = legend.get_window_extent(renderer)
            for other in figure.axes:
                if other.get_visible() and other.axison:
                    assert not box.overlaps(other.get_window_extent(renderer)), "a legend covers an axes"


def test_descent_figure_draws_every_step_of_each_rate_as_an_arrow(default_compare):
    figure = plots.plot_descent(default_compare)
    panels = [axes for axes in figure.axes if axes.get_xlabel() == "w"]
    assert len(panels) == 3
    for axes, run in zip(panels, default_compare.runs, strict=True):
        arrows = [child for child in axes.texts if getattr(child, "arrow_patch", None) is not None]
        moving = sum(1 for k in range(run.steps) if run.w[k] != run.w[k + 1])
        assert len(arrows) == moving
    large = default_compare.runs[-1]
    assert large.label == "too large" and len(large.w) == 22  # 21 steps, all drawn: the zig-zag
    signs = np.sign(np.array(large.w) - 2.0)
    assert np.all(signs[1:] != signs[:-1])  # every step jumps over w = 2
    _legends_outside_axes(figure)


def test_backprop_figure_has_the_backward_pass_in_the_gradient_colour():
    result = experiments.backprop()
    figure = plots.plot_backprop(result)
    texts = figure.axes[0].texts
    from matplotlib.colors import to_hex

    gradient = [t.get_text() for t in texts if to_hex(t.get_color()) == plots.GRADIENT_COLOUR]
    parameter = [t.get_text() for t in texts if to_hex(t.get_color()) == plots.PARAMETER_COLOUR]
    partial = {p["parameter"]: p["value"] for p in result.partials}
    joined = "\n".join(gradient)
    assert f"dE/dz2 = {partial['b2']:.4g}" in joined and f"dE/dz1 = {partial['b1']:.4g}" in joined
    assert f"dE/dw1 = dE/dz1 x x = {partial['w1']:.4g}" in joined
    assert not any(text.startswith(("b1 =", "w1 =", "b2 =", "w2 =")) for text in gradient)  # parameters: blue
    assert {"w1 = 0.15", "w2 = 0.45", "b1 = 0.4", "b2 = 0.65"} <= set(parameter)
    backward = [
        t
        for t in texts
        if getattr(t, "arrow_patch", None) is not None
        and to_hex(t.arrow_patch.get_edgecolor()) == plots.GRADIENT_COLOUR
    ]
    assert len(backward) == 2  # E -> neuron 2 -> neuron 1


def test_activation_figure_zooms_on_leaky_relus_slope():
    figure = plots.plot_gallery(experiments.activation_gallery())
    insets = [inset for axes in figure.axes for inset in axes.child_axes if "zoom" in inset.get_title()]
    assert len(insets) == 1 and "slope alpha = 0.01" in insets[0].get_title()
    low, high = insets[0].get_ylim()
    assert -0.1 < low < -0.05 and 0 < high < 0.05  # the scale at which -0.05 at z = -5 is visible


def test_history_figure_one_name_per_curve_mean_gradient_and_overfitting():
    history = History(
        epoch=[1, 2, 3, 4, 5],
        loss=[1.0, 0.5, 0.3, 0.2, 0.1],
        val_loss=[1.0, 0.5, 0.3, 0.35, 0.4],
        gradient_norms=[[9.0, 9.0]] * 5,
        extra={
            "mean_gradient_norm_layer_1": [1.0, 0.8, 0.6, 0.5, 0.4],
            "mean_gradient_norm_layer_2": [2.0, 1.5, 1.0, 0.9, 0.8],
        },
    )
    figure = plots.plot_history(history, validation_label="test loss")
    loss_axes, grad_axes = figure.axes[:2]
    assert [t.get_text() for t in loss_axes.get_legend().get_texts()] == ["training loss", "test loss"]
    assert "test loss rising since epoch 3: overfitting" in loss_axes.get_title()
    assert "mean over the epoch's batches" in grad_axes.get_ylabel()
    assert list(grad_axes.lines[0].get_ydata()) == [1.0, 0.8, 0.6, 0.5, 0.4]  # the means, not the last batch
    _legends_outside_axes(figure)
    plain = plots.plot_history(
        History(epoch=[1, 2], loss=[1.0, 0.5], val_loss=[1.0, 0.9], gradient_norms=[[1.0], [0.5]])
    )
    assert "overfitting" not in plain.axes[0].get_title() and "last batch" in plain.axes[1].get_ylabel()


def test_epoch_mean_gradient_norm_is_the_mean_of_the_batches():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 3)), rng.integers(0, 2, 40)
    net = nl.Sequential([nl.Dense(4, "relu"), nl.Dense(2, "softmax")])
    seen = []

    class Every(nl.Callback):
        def on_batch_end(self, batch, loss):
            seen.append(
                [
                    float(np.linalg.norm(layer.weight_gradient))
                    for layer in self.context.network.weighted_layers
                ]
            )

    history = net.fit(
        X,
        y,
        loss="cross_entropy",
        optimizer="sgd",
        epochs=2,
        batch_size=16,
        seed=0,
        callbacks=[experiments.EpochMeanGradientNorm(), Every()],
    )
    means = experiments.mean_gradient_norms(history)
    per_batch = np.array(seen)  # 3 batches per epoch
    np.testing.assert_allclose(means, [per_batch[:3].mean(axis=0), per_batch[3:].mean(axis=0)], rtol=1e-12)
    assert history.gradient_norms[-1] == pytest.approx(list(per_batch[-1]))  # the engine's: last batch


def test_relu_care_shows_what_the_shortcuts_do():
    data = experiments.load_dataset("digits")
    result = experiments.relu_care(depth=4, width=16, epochs=3, data=data)
    assert len(result.runs) == 3 and result.runs[1].initializer == "glorot_uniform"
    figure = plots.plot_relu_care(result)
    labels = [t.get_text() for t in figure.axes[0].get_legend().get_texts()]
    assert labels[0].startswith("He init, momentum, decaying rate (the lesson's): test accuracy")
    text = report.care_text(result)
    assert all(label in text for label in result.labels)
