"""``run_tour(folder)``: every demonstration of the course run, its figures saved as PNG and
SVG under ``folder/figures``, the page written to ``folder/index.html`` and the numbers to
``folder/results.json`` (all of it written whole or not at all, see ``folder``)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .. import experiments
from .._files import atomic_write, ensure_folder
from ..callbacks import Callback
from .folder import write_whole
from .page import write_report
from .sections import tour_sections


@dataclass
class TourSettings:
    """Sizes of the tour's runs; ``quick()`` is the small version used by tests."""

    vanishing_depth: int = int(experiments.VANISHING_DEFAULTS["depth"])
    vanishing_width: int = int(experiments.VANISHING_DEFAULTS["width"])
    vanishing_epochs: int = int(experiments.VANISHING_DEFAULTS["epochs"])
    training_epochs: int = 30
    training_hidden: int = 64
    backprop_steps: int = 5

    @classmethod
    def quick(cls) -> TourSettings:
        return cls(
            vanishing_depth=6,
            vanishing_width=16,
            vanishing_epochs=3,
            training_epochs=3,
            training_hidden=32,
            backprop_steps=3,
        )


@dataclass
class TourResult:
    """Everything the tour ran, and where it wrote it."""

    folder: str
    index: str
    figures: list[str]
    seconds: float
    descent: experiments.DescentResult
    compare: experiments.CompareResult
    backprop: experiments.BackpropResult
    vanishing: experiments.VanishingResult
    gallery: experiments.GalleryResult
    training: experiments.TrainingResult
    relu_care: experiments.CareResult | None = None

    def to_dict(self) -> dict:
        names = ("descent", "compare", "backprop", "vanishing", "gallery", "training", "relu_care")
        claims = [*experiments.descent_claims(self.compare), *experiments.vanishing_claims(self.vanishing)]
        return {
            "folder": self.folder,
            "index": self.index,
            "figures": list(self.figures),
            "seconds": self.seconds,
            **{name: getattr(self, name).to_dict() for name in names if getattr(self, name) is not None},
            "claims": [claim.to_dict() for claim in claims],
        }


def run_tour(
    folder: str | Path,
    *,
    settings: TourSettings | None = None,
    training_callbacks: Sequence[Callback] = (),
    on_stage: Callable[[str], None] | None = None,
) -> TourResult:
    """Run the four demonstrations and the digits training; write figures and the report to ``folder``.

    ``on_stage(name)`` is called before each stage (for progress display);
    ``training_callbacks`` are passed to the digits fit (e.g. a progress bar).
    The report is written into a temporary folder beside ``folder`` and renamed to it once
    complete; if the tour stops (an error, Ctrl-C) the temporary folder is removed and
    ``folder`` is left as it was. Into an existing folder, only the report's own entries
    (``REPORT_ENTRIES``) are replaced.
    """
    settings = settings or TourSettings()
    started = time.perf_counter()
    target = Path(folder)
    return write_whole(
        target,
        lambda staging: _run_tour_into(staging, target, settings, training_callbacks, on_stage, started),
    )


def _run_tour_into(
    folder: Path,
    final: Path,
    settings: TourSettings,
    training_callbacks: Sequence[Callback],
    on_stage: Callable[[str], None] | None,
    started: float,
) -> TourResult:
    """The tour's runs, figures, page and results.json, written into ``folder`` (empty); the
    result names ``final``, where the report will be."""
    from .. import plots  # matplotlib only when figures are made

    figures_folder = ensure_folder(folder / "figures")
    written: list[str] = []

    def save(figure, stem):
        written.extend(str(p.relative_to(folder)) for p in plots.save_figure(figure, figures_folder, stem))

    def stage(name):
        if on_stage is not None:
            on_stage(name)

    stage("gradient descent")
    descent = experiments.descent()
    compare = experiments.compare_learning_rates()
    save(plots.plot_descent(descent), "descent")
    save(plots.plot_descent(compare), "descent_compare")
    stage("backpropagation")
    backprop = experiments.backprop(steps=settings.backprop_steps)
    save(plots.plot_backprop(backprop), "backprop")
    stage("vanishing gradients")
    vanishing = experiments.vanishing(
        depth=settings.vanishing_depth, width=settings.vanishing_width, epochs=settings.vanishing_epochs
    )
    save(plots.plot_gradient_flow(vanishing), "gradient_flow")
    save(plots.plot_loss_curves(vanishing), "vanishing_loss")
    care = experiments.relu_care(
        depth=settings.vanishing_depth, width=settings.vanishing_width, epochs=settings.vanishing_epochs
    )
    save(plots.plot_relu_care(care), "relu_care")
    stage("activation functions")
    gallery = experiments.activation_gallery()
    save(plots.plot_gallery(gallery), "activations")
    stage("training on digits")
    histories: list = []
    training = experiments.train_digits(
        hidden_units=settings.training_hidden,
        epochs=settings.training_epochs,
        callbacks=training_callbacks,
        histories=histories,
    )
    save(plots.plot_history(histories[0], validation_label="test loss"), "training_history")

    sections = tour_sections(descent, compare, backprop, vanishing, gallery, training, care)
    write_report(
        folder,
        sections,
        note="Every number on this page was computed by neuralab's engine "
        "(forward pass, backpropagation, gradient descent) when `neuralab tour` ran.",
    )
    result = TourResult(
        folder=str(final),
        index=str(final / "index.html"),
        figures=written,
        seconds=time.perf_counter() - started,
        descent=descent,
        compare=compare,
        backprop=backprop,
        vanishing=vanishing,
        gallery=gallery,
        training=training,
        relu_care=care,
    )
    with atomic_write(folder / "results.json", "w", encoding="utf-8") as handle:
        json.dump(result.to_dict(), handle, indent=1)
    return result
