"""The vanishing-gradient demonstration on several seeds: does the lesson hold on each?

    python -m benchmarks.vanishing_seeds [--seeds 12]

Runs ``experiments.vanishing()`` with its defaults (the tour's and ``neuralab vanishing``'s) for
seeds 0..N-1 (each seed its own split, weights and shuffling) and prints a Markdown table: the
test accuracy of each activation, sigmoid's and relu's first/last-layer gradient ratio before
training, and the claims that failed (``experiments.vanishing_claims``). Writes
``benchmarks/results/<date>-vanishing-seeds.md``. Not a test: it takes a minute or more.
"""

from __future__ import annotations

import argparse
import datetime
from pathlib import Path

from neuralab import experiments

RESULTS = Path(__file__).resolve().parent / "results"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=12)
    args = parser.parse_args(argv)
    d = experiments.VANISHING_DEFAULTS
    lines = [
        f"# The vanishing-gradient demonstration on seeds 0-{args.seeds - 1} "
        f"({datetime.date.today().isoformat()})",
        "",
        f"{d['depth']} hidden layers of {d['width']} units on digits, SGD learning rate "
        f"{d['learning_rate']:g} with momentum {d['momentum']:g}, x {d['decay']:g} per epoch, "
        f"batch {d['batch_size']}, {d['epochs']} epochs; "
        "He uniform for relu/leaky_relu, Glorot uniform for sigmoid/tanh. Test accuracy per activation; "
        "gradient ratio ||dE/dW1|| / ||dE/dW_last|| before training (4^-10 = 9.5e-07).",
        "",
        "| seed | sigmoid | tanh | relu | leaky_relu | sigmoid ratio | relu ratio | claims that failed |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for seed in range(args.seeds):
        result = experiments.vanishing(seed=seed)
        acc = {run.activation: f"{run.test_accuracy:.1%}" for run in result.runs}
        failed = [claim.text for claim in experiments.vanishing_claims(result) if not claim.holds]
        lines.append(
            f"| {seed} | {acc['sigmoid']} | {acc['tanh']} | {acc['relu']} | {acc['leaky_relu']} | "
            f"{result.run('sigmoid').first_to_last_at_start:.2g} | "
            f"{result.run('relu').first_to_last_at_start:.2g} | "
            f"{' '.join(failed) or 'none'} |"
        )
        print(lines[-1], flush=True)
    text = "\n".join(lines) + "\n"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{datetime.date.today().isoformat()}-vanishing-seeds.md").write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
