"""The sweep's output folder as a page: figures under ``figures/`` and ``index.html`` tying
the summaries, the figures and the full results table together (``report.write_report``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..report import Section, Table, write_report
from .runner import SWEEP_DIVERGENCE
from .summary import GRID_KEYS, best_run, format_mean_sd, summarize, summarize_configs

MAX_RESULT_ROWS = 500
"""Rows of the full results table shown on the page (results.csv always has every run)."""


def _g(value, digits: int = 4) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}g}"
    return str(value)


def summary_tables(records: Sequence[dict], metric: str) -> list[Table]:
    """One table per hyperparameter: runs, diverged, failed, loss and metric as mean +- sd."""
    tables = []
    for key in GRID_KEYS:
        rows = summarize(records, key)
        tables.append(
            Table(
                f"Grouped by {key.replace('_', ' ')} (mean +- sd over every other setting and seed; "
                "diverged and failed runs counted, not averaged)",
                [key, "runs", "diverged", "failed", "final loss", f"final {metric}"],
                [
                    [
                        _g(row[key]),
                        str(row["runs"]),
                        str(row["diverged"]),
                        str(row["failed"]),
                        format_mean_sd(row["final_loss_mean"], row["final_loss_sd"]),
                        format_mean_sd(row["final_metric_mean"], row["final_metric_sd"]),
                    ]
                    for row in rows
                ],
            )
        )
    return tables


def config_table(records: Sequence[dict], metric: str) -> Table:
    rows = summarize_configs(records)
    return Table(
        "Each configuration over its seeds (mean +- sd)",
        [
            "learning rate",
            "activation",
            "depth",
            "width",
            "seeds",
            "diverged",
            "final loss",
            f"final {metric}",
        ],
        [
            [
                _g(r["learning_rate"]),
                r["activation"],
                str(r["depth"]),
                str(r["width"]),
                str(r["seeds"]),
                str(r["diverged"]),
                format_mean_sd(r["final_loss_mean"], r["final_loss_sd"]),
                format_mean_sd(r["final_metric_mean"], r["final_metric_sd"]),
            ]
            for r in rows
        ],
    )


def results_table(records: Sequence[dict]) -> Table:
    shown = list(records)[:MAX_RESULT_ROWS]
    more = len(records) - len(shown)
    caption = "Every run" + (f" (first {len(shown)}; all {len(records)} in results.csv)" if more else "")
    return Table(
        caption,
        [
            "run id",
            "learning rate",
            "activation",
            "depth",
            "width",
            "seed",
            "status",
            "final loss",
            "best loss",
            "final metric",
            "epochs run",
            "diverged in epoch",
            "gradient ratio",
            "seconds",
            "worker",
        ],
        [
            [
                r["run_id"],
                _g(r["learning_rate"]),
                r["activation"],
                str(r["depth"]),
                str(r["width"]),
                str(r["seed"]),
                r["status"],
                _g(r["final_loss"]),
                _g(r["best_loss"]),
                _g(r["final_metric"]),
                str(r["epochs_run"]),
                _g(r["diverged_epoch"]),
                _g(r["gradient_ratio"], 3),
                _g(r["wall_time"], 3),
                r["worker"],
            ]
            for r in shown
        ],
    )


def write_page(folder: str | Path, records: Sequence[dict], data: dict) -> tuple[Path, list[Path]]:
    """Save both figures under ``folder/figures`` and write ``folder/index.html``.

    Returns (the page, the figure files).
    """
    from ..plots import save_figure
    from .figures import plot_gradient_ratio, plot_loss_vs_learning_rate

    folder = Path(folder)
    figures = folder / "figures"
    written = save_figure(plot_loss_vs_learning_rate(records), figures, "loss_vs_learning_rate")
    written += save_figure(plot_gradient_ratio(records), figures, "gradient_ratio_vs_depth")
    metric = data.get("metric", "metric")
    best = best_run(records)
    best_text = (
        "No run finished."
        if best is None
        else f"Best run: {best['run_id']} (learning rate {best['learning_rate']:g}, "
        f"{best['activation']}, "
        f"depth {best['depth']}, width {best['width']}, seed {best['seed']}) with final {metric} "
        f"{best['final_metric']:.4g} and final loss {best['final_loss']:.4g}."
    )
    counts = {status: sum(r["status"] == status for r in records) for status in ("ok", "diverged", "error")}
    configured = data.get("configured_runs", len(records))
    partial = (
        f"\n\nThe grid has {configured} runs and {configured - len(records)} have not run yet "
        "(--max-runs, or an interrupted sweep): run the same command again to continue; runs "
        "already in results.jsonl are kept."
        if configured > len(records)
        else ""
    )
    sections = [
        Section(
            "summary",
            "Summary",
            f"{len(records)} runs on {data.get('source')} (target {data.get('target')!r}, "
            f"{data.get('task')}, loss {data.get('loss')}, metric {metric} on "
            f"{'the validation rows' if data.get('n_val') else 'the training rows'}): "
            f"{counts['ok']} finished, {counts['diverged']} diverged, {counts['error']} failed. A run "
            f"diverged when its loss rose above {SWEEP_DIVERGENCE.factor:g} x its best (at least "
            f"{SWEEP_DIVERGENCE.floor:g}) or was not finite: the engine stopped it, or it finished "
            "that far above its best (a blow-up that stayed finite)."
            f"{partial}\n\n{best_text}",
            summary_tables(records, metric),
        ),
        Section(
            "figures",
            "Learning rate and depth",
            "A learning rate too small crawls and one too large diverges; sigmoid and tanh shrink the "
            "gradient on its way back to the first layers of a deep network, ReLU much less.",
            figures=[
                (
                    "loss_vs_learning_rate",
                    "Final training loss against learning rate, per activation (x: diverged runs)",
                ),
                (
                    "gradient_ratio_vs_depth",
                    "First-layer / last-layer gradient norm in the first epoch, against depth",
                ),
            ],
        ),
        Section(
            "configurations",
            "Configurations",
            "Each configuration's runs over the seeds.",
            [config_table(records, metric)],
        ),
        Section(
            "runs", "Every run", "The same rows as results.csv and results.jsonl.", [results_table(records)]
        ),
    ]
    page = write_report(
        folder,
        sections,
        title="neuralab sweep",
        note="Every run trained a network with neuralab's fit; results.csv and results.jsonl "
        "hold one row per run.",
    )
    return page, written


__all__ = ["config_table", "results_table", "summary_tables", "write_page"]
