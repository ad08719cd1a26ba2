"""Command line: ``python -m benchmarks [--quick] [--cases a,b] [--implementations a,b] [--repeats N]``."""

from __future__ import annotations

import argparse
import sys

from . import IMPLEMENTATIONS, environment, implementations, report
from .cases import get_cases
from .suite import run_suite


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller data, fewer repeats (a smoke run)")
    parser.add_argument(
        "--cases",
        type=_names,
        default=None,
        help="comma-separated: large,small_batch1,small_batch32,digits (default all)",
    )
    parser.add_argument(
        "--implementations",
        type=_names,
        default=list(IMPLEMENTATIONS),
        help=f"comma-separated subset of {','.join(IMPLEMENTATIONS)} (default all; "
        "those not installed are skipped)",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=None,
        help="timed runs per implementation (default 5, or 2 with --quick)",
    )
    parser.add_argument("--pause", type=float, default=0.25, help="seconds of sleep before each run")
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="limit BLAS/OpenMP pools (threadpoolctl) and torch to N threads; steadier "
        "on a busy machine (default: the libraries' own choice)",
    )
    parser.add_argument(
        "--tag",
        default=None,
        help="suffix of the result file names (default: "
        "'quick', the chosen cases, 'threadsN' and/or 'openblas-env' when those apply)",
    )
    parser.add_argument(
        "--note",
        default=None,
        help="a line printed in bold at the top of the report, e.g. 'taken on a busy machine'",
    )
    arguments = parser.parse_args(argv)
    unknown = sorted(set(arguments.implementations) - set(IMPLEMENTATIONS))
    if unknown:
        parser.error(f"unknown implementation(s) {unknown}; choose from {list(IMPLEMENTATIONS)}")
    if arguments.repeats is not None and arguments.repeats < 1:
        parser.error("--repeats must be a positive integer")
    if arguments.threads is not None and arguments.threads < 1:
        parser.error("--threads must be a positive integer")
    return arguments


def main(argv: list[str] | None = None) -> None:
    arguments = parse_arguments(argv)
    cases = get_cases(arguments.cases, quick=arguments.quick)
    repeats = arguments.repeats or (2 if arguments.quick else 5)
    runnable, skipped = implementations.installed(arguments.implementations)
    for reason in skipped.values():
        print(reason, file=sys.stderr, flush=True)
    if not runnable:
        sys.exit("Nothing to run: every implementation asked for is skipped (see above).")
    if arguments.threads is not None:
        environment.limit_threads(arguments.threads, runnable)
    results = run_suite(cases, runnable, repeats=repeats, quick=arguments.quick, pause=arguments.pause)
    results["skipped"] = skipped
    if arguments.note:
        results["note"] = arguments.note
    tag = arguments.tag
    if tag is None:
        parts = ["quick"] if arguments.quick else []
        if arguments.cases is not None:  # a partial run must not overwrite the day's full one
            parts.append("+".join(case.name for case in cases))
        if set(arguments.implementations) != set(IMPLEMENTATIONS):
            parts.append("+".join(runnable))
        if arguments.threads is not None:
            parts.append(f"threads{arguments.threads}")
        if any(value is not None for value in environment.openblas_variables().values()):
            parts.append("openblas-env")
        tag = "-".join(parts)
    json_path, markdown_path = report.write(results, tag=tag)
    print(report.to_markdown(results))
    print(f"Results: {json_path} and {markdown_path}")


if __name__ == "__main__":
    main()
