"""The course commands through Typer's test runner: tables, --json, figures, tour, errors."""

from __future__ import annotations

import json
import re

import pytest
from tests.cli_helpers import one_line_error
from typer.testing import CliRunner

from neuralab.cli import app

runner = CliRunner()
SUM_X2 = 0.625


def invoke(*args, columns: int = 200):
    return runner.invoke(app, list(args), env={"COLUMNS": str(columns)})


def test_descent_json_follows_the_closed_form():
    result = invoke(
        "descent", "--w0", "-1", "--learning-rate", "0.2", "--steps", "5", "--tolerance", "0", "--json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    c = 1 - 2 * 0.2 * SUM_X2
    assert data["w"] == pytest.approx([2 + (-1 - 2) * c**k for k in range(6)], abs=1e-12)


def test_descent_table_and_compare_figure(tmp_path):
    result = invoke("descent")
    assert result.exit_code == 0, result.output
    assert "step k" in result.output and "converged" in result.output
    result = invoke("descent", "--compare", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "diverges" in result.output and "too large" in result.output
    assert (tmp_path / "descent_compare.png").is_file() and (tmp_path / "descent_compare.svg").is_file()


def test_backprop_prints_every_factor_and_writes_the_graph(tmp_path):
    result = invoke("backprop", "--steps", "3", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "-(T - a2) * a2 (1 - a2) * a1" in result.output
    assert "0.4653 x 0.2037 x 0.6023" in result.output
    assert "0.427172" in result.output  # w2 after one step, to six digits
    assert (tmp_path / "backprop.svg").is_file()
    data = json.loads(invoke("backprop", "--target", "0.5", "--json").output)
    assert data["target"] == 0.5 and len(data["errors"]) == 2


def test_vanishing_and_activations_commands(tmp_path):
    result = invoke(
        "vanishing",
        "--activations",
        "sigmoid,relu",
        "--dataset",
        "breast_cancer",
        "--depth",
        "3",
        "--width",
        "4",
        "--epochs",
        "1",
        "--out",
        str(tmp_path),
    )
    assert result.exit_code == 0, result.output
    assert "sigmoid" in result.output and "relu" in result.output
    assert (tmp_path / "gradient_flow.png").is_file() and (tmp_path / "vanishing_loss.svg").is_file()
    runs = json.loads(
        invoke(
            "vanishing",
            "--activations",
            "sigmoid,relu",
            "--dataset",
            "breast_cancer",
            "--depth",
            "3",
            "--width",
            "4",
            "--epochs",
            "1",
            "--json",
        ).output
    )["runs"]
    # the loss column is the final weights' training loss (like the accuracies), not the epoch's mean
    for run in runs:
        assert f" {run['final_loss']:.4g} " in result.output and run["final_loss"] != run["loss"][-1]
    assert "of the final weights" in " ".join(result.output.split())
    data = json.loads(invoke("activations", "--json").output)
    assert [a["name"] for a in data["activations"]][:3] == ["sigmoid", "tanh", "relu"]
    result = invoke("activations", "--name", "leaky_relu", "--out", str(tmp_path))
    assert result.exit_code == 0 and (tmp_path / "activation_leaky_relu.png").is_file()


def test_tour_quick_writes_a_report_with_no_broken_links(tmp_path):
    out = tmp_path / "report"
    result = invoke("tour", "--quick", "--out", str(out), columns=80)
    assert result.exit_code == 0, result.output
    assert "Test accuracy on digits" in result.output
    assert "…" not in result.output  # at 80 columns every header and name is whole
    page = (out / "index.html").read_text()
    links = set(re.findall(r'(?:src|href)="([^"#]+)"', page))
    assert links and all((out / link).is_file() for link in links)
    figures = {f"figures/{p.name}" for p in (out / "figures").iterdir()}
    assert figures == links  # every figure is referenced, every reference exists
    assert "<script" not in page and "http" not in page
    titles = re.findall(r"<h2>(.*?)</h2>", page)
    assert [t.split(".")[0] for t in titles] == ["1", "2", "3", "4", "5"]
    results = json.loads((out / "results.json").read_text())
    assert results["training"]["test_accuracy"] > 0.8
    refused = invoke("tour", "--quick", "--out", str(out))
    assert refused.exit_code != 0 and "--force" in refused.output


def test_descent_last_row_of_a_diverged_run_has_its_own_J():
    data = json.loads(invoke("descent", "--learning-rate", "1.8", "--steps", "30", "--json").output)
    assert len(data["w"]) == len(data["loss"]) == 22 and data["diverged_at_epoch"] == 22
    for w, loss in zip(data["w"], data["loss"], strict=True):
        assert loss == pytest.approx(SUM_X2 * (2 - w) ** 2, rel=1e-12)
    assert data["final_w"] == data["w"][-2]
    table = invoke("descent", "--learning-rate", "1.8", "--steps", "30").output
    last = [line for line in table.splitlines() if line.startswith("│ 21 ")]
    assert len(last) == 1 and "197.156" in last[0] and "23803.8" in last[0] and "15234.4" not in last[0]
    assert "kept the weight from before the bad step, w_20 = -154.125" in " ".join(table.split())
    data = json.loads(invoke("descent", "--learning-rate", "1e308", "--json").output)
    assert data["w"] == [0.2, None] and data["loss"] == [pytest.approx(2.025), None]
    compare = invoke("descent", "--compare").output
    assert "J(w_21) = 2.38e+04" in compare and "diverged" in compare


def test_descent_from_the_minimum_prints_no_negative_zero():
    result = invoke("descent", "--w0", "2")
    assert result.exit_code == 0, result.output
    cells = [
        cell.strip()
        for line in result.output.splitlines()
        if line.startswith("│")
        for cell in line.strip("│").split("│")
    ]
    assert cells and "0" in cells and "-0" not in cells


def test_vanishing_table_shows_a_diverged_run():
    args = (
        "vanishing",
        "--learning-rate",
        "100",
        "--depth",
        "3",
        "--epochs",
        "2",
        "--activations",
        "relu",
        "--dataset",
        "breast_cancer",
    )
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    assert "diverged in epoch 1" in result.output and "healthy" not in result.output
    assert "Try a smaller learning rate" in result.output
    data = json.loads(invoke(*args, "--json").output)
    run = data["runs"][0]
    assert run["diverged_at_epoch"] == 1 and run["diagnosis"] == "diverged" and run["loss"] == []
    assert run["final_loss"] > 0  # the training loss of the weights kept from before the bad step


@pytest.mark.parametrize(
    "args",
    [
        ("vanishing", "--dataset", "breast_cancer", "--depth", "3", "--width", "4", "--epochs", "1"),
        ("descent", "--compare"),
        ("activations",),
    ],
)
def test_course_tables_are_readable_at_80_columns(args):
    result = invoke(*args, columns=80)
    assert result.exit_code == 0, result.output
    assert "…" not in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    if args[0] == "vanishing":
        assert "leaky_relu" in result.output and "diagnosis" in result.output
    if args[0] == "activations":
        assert "alpha = 0.01" in " ".join(result.output.split())


@pytest.mark.parametrize(
    "args",
    [
        ("descent", "--steps", "-3"),
        ("descent", "--learning-rate", "abc"),
        ("backprop", "--steps", "0"),
        ("backprop", "--w1", "nan"),
        ("vanishing", "--activations", "sigmoid,foo"),
        ("vanishing", "--dataset", "mnist"),
        ("activations", "--name", "swish"),
    ],
)
def test_bad_options_give_one_line_errors(args):
    one_line_error(invoke(*args))


def test_tour_interrupted_by_ctrl_c_leaves_nothing_behind(tmp_path):
    """A real SIGINT to a running `neuralab tour`: exit 130, a line on stderr, no folder left."""
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "report"
    proc = subprocess.Popen(
        [sys.executable, "-c", "from neuralab.cli import main; main()", "tour", "--quick", "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    try:
        deadline = time.monotonic() + 60
        while not list(tmp_path.glob(".report.*.partial")) and proc.poll() is None:
            assert time.monotonic() < deadline, "the tour never started writing"
            time.sleep(0.005)
        assert proc.poll() is None, "the tour finished before it could be interrupted"
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stderr
    assert "Interrupted" in stderr and "Nothing was written" in stderr and "Traceback" not in stderr
    assert list(tmp_path.iterdir()) == []  # neither the report nor its temporary folder


def test_tour_force_replaces_the_report_and_keeps_other_files(tmp_path):
    from neuralab.report import TourSettings, run_tour

    out = tmp_path / "report"
    (out / "figures").mkdir(parents=True)
    (out / "figures" / "stale.png").write_bytes(b"old")
    (out / "notes.txt").write_text("mine")
    result = run_tour(out, settings=TourSettings.quick())
    assert result.folder == str(out) and json.loads((out / "results.json").read_text())["folder"] == str(out)
    assert (out / "notes.txt").read_text() == "mine"  # not the tour's: left alone
    assert not (out / "figures" / "stale.png").exists()  # the old figures went with the old report
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]  # no temporary folder left
