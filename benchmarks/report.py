"""Results as a JSON file and a Markdown table, in ``benchmarks/results/``."""

from __future__ import annotations

import json
from pathlib import Path

from . import implementations

RESULTS_DIRECTORY = Path(__file__).resolve().parent / "results"


def _format_value(value: float | None) -> str:
    return "-" if value is None else f"{value:.3g}"


def to_markdown(results: dict) -> str:
    """The medians, ranges, ratios, quality, memory, limit and targets as Markdown."""
    env = results["environment"]
    versions = env.get("versions", {})
    peers = ", ".join(f"{name} {version}" for name, version in versions.items() if version is not None)
    lines = [
        f"# Benchmark {results['date']}{' (quick)' if results['quick'] else ''}",
        "",
    ]
    if results.get("note"):
        lines += [f"**{results['note']}**", ""]
    lines += [
        f"neuralab {env['neuralab']}, numpy {env['numpy']}, Python {env['python']}; {peers}; "
        f"torch threads {env.get('torch_num_threads', '-')}; {env['cpus_available']} CPU(s), "
        f"load average at start {env['load_average_at_start']}.",
        f"OpenBLAS variables: {env['openblas_variables']} "
        f"({'fair setting: both unset' if env['fair_setting'] else 'NOT the fair setting'}). "
        f"Repeats: {results['repeats']}, pause {results['pause_s']} s.",
        "",
        "| implementation | loop |",
        "|---|---|",
    ]
    lines += [f"| {name} | {implementations.get(name).description} |" for name in results["implementations"]]
    lines += [f"| {name} | {reason} |" for name, reason in results.get("skipped", {}).items()]
    lines += [
        "",
        "| case | implementation | median s | min-max s | per step us | neuralab / this "
        "| compile s | train loss | test acc | peak RSS MB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    memory = results.get("memory", {})
    for entry in results["cases"]:
        name = entry["case"]["name"]
        for impl, r in entry["implementations"].items():
            ratio = entry["ratios"].get(f"neuralab/{impl}")
            peak = memory.get(name, {}).get(impl, {}).get("peak_mb")  # None: not measured or failed
            lines.append(
                f"| {name} | {impl} | {r['median_s']:.3f} | {r['min_s']:.3f}-{r['max_s']:.3f} "
                f"| {r['median_step_us']:.1f} | {'-' if ratio is None else f'{ratio:.2f}'} "
                f"| {r['compile_s']:.2f} | {r['train_loss']:.4f} | {r['test_accuracy']:.4f} "
                f"| {_format_value(peak)} |"
            )
    for entry in results["cases"]:
        for impl, error in entry.get("failed", {}).items():
            lines.append(
                f"| {entry['case']['name']} | {impl} | failed: "
                f"{error.strip().splitlines()[-1]} | | | | | | | |"
            )
    lines += [
        "",
        "compile s: the untimed warm-up run (one epoch on a few thousand rows) less the time its "
        "steps take once warm: tracing and compiling for JAX, Keras on JAX and torch.compile, "
        "noise for the others. Peak RSS: the worker interpreter of the case and implementation "
        "(VmHWM after the warm-up and the timed runs), library import included.",
    ]
    limit = results.get("limit")
    if limit:
        interleaved = limit["interleaved_seconds"]
        lines += [
            "",
            f"Limit ({limit['case']}): {limit['flops_per_epoch'] / 1e9:.2f} GFLOP per epoch. Its matrix "
            f"products alone, timed in the same rotation: {interleaved:.3f} s "
            f"({limit['flops_per_epoch'] / interleaved / 1e9:.1f} GFLOP/s). Best hot-loop rate "
            f"{limit['gemm_gflops_case_shapes']:.1f} GFLOP/s on the case's shapes "
            f"({limit['gemm_gflops_square_1024']:.1f} on 1024^3) -> {limit['limit_seconds']:.3f} s. "
            "Share of the interleaved limit reached: "
            + ", ".join(f"{impl} {share:.0%}" for impl, share in limit["shares"].items()),
        ]
    if results.get("targets"):
        lines += ["", "| target | value | goal | met |", "|---|---:|---|---|"]
        for check in results["targets"]:
            met = {True: "yes", False: "NO", None: "-"}[check["met"]]
            lines.append(f"| {check['target']} | {_format_value(check['value'])} | {check['goal']} | {met} |")
    return "\n".join(lines) + "\n"


def write(results: dict, directory: Path = RESULTS_DIRECTORY, tag: str = "") -> tuple[Path, Path]:
    """Write ``<date>[-tag].json`` and ``.md``; return both paths."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = results["date"] + (f"-{tag}" if tag else "")
    json_path, markdown_path = directory / f"{stem}.json", directory / f"{stem}.md"
    json_path.write_text(json.dumps(results, indent=2) + "\n")
    markdown_path.write_text(to_markdown(results))
    return json_path, markdown_path
