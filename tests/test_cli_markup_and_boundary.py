"""The command line prints user strings literally and never shows a traceback (issue 21, 3-4).

Column names, class labels, values and paths that look like Rich markup (``[/y]``, ``[/b]``,
``weight [kg]``, a file ``a[/b].csv``) appear exactly as written in tables, notes and
errors; any exception that reaches a command's boundary is one ``error:`` line and exit 2.
"""

from __future__ import annotations

import numpy as np
import pytest
from tests.cli_helpers import one_line_error
from typer.testing import CliRunner

import neuralab as nl
from neuralab import cli
from neuralab.cli import app
from neuralab.cli import data as cli_data

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def marked(tmp_path_factory):
    """A CSV named a[/b].csv whose header, categories and labels look like markup, and a model."""
    folder = tmp_path_factory.mktemp("markup")
    rng = np.random.default_rng(0)
    rows = ["weight [kg],[/y],label"]
    for _ in range(120):
        weight = rng.uniform(40, 100)
        tag = rng.choice(["[bold]a", "b[/]"])
        label = "[/b]" if weight + 20 * (tag == "b[/]") > 75 else "ok [i]"
        rows.append(f"{weight:.2f},{tag},{label}")
    (folder / "a[").mkdir()  # the path a[/b].csv: a folder "a[" holding "b].csv"
    (folder / "m[").mkdir()
    data = folder / "a[/b].csv"
    data.write_text("\n".join(rows) + "\n")
    model = folder / "m[/b].nlab"
    result = invoke(
        "train",
        data,
        "--target",
        "label",
        "--hidden",
        "4",
        "--epochs",
        "30",
        "--learning-rate",
        "0.05",
        "--out",
        model,
    )
    return data, model, result


def test_train_prints_columns_values_and_paths_literally(marked):
    data, model, result = marked
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "note: column '[/y]' is not numeric: one-hot encoded into 2 columns" in out
    assert f"classification on {data}" in out.replace("\n", "")  # the table title keeps a[/b].csv
    assert f"model written to {model}" in out
    assert nl.load(model).classes == ["[/b]", "ok [i]"]


def test_evaluate_tables_show_labels_literally(marked):
    data, model, _ = marked
    result = invoke("evaluate", model, data)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any(line.startswith("accuracy ") and line.endswith(f"rows of {data}") for line in lines)
    # per class, and the confusion matrix's header and rows: "[/b]" and "ok [i]" as written
    assert sum("[/b]" in line for line in lines) >= 3
    assert sum("ok [i]" in line for line in lines) >= 3


def test_predict_and_errors_name_markup_like_columns_literally(marked, tmp_path):
    data, model, _ = marked
    result = invoke("predict", model, data)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "prediction,probability_[/b],probability_ok [i]"
    (tmp_path / "c[").mkdir()
    lacking = tmp_path / "c[/i].csv"
    lacking.write_text("[/y]\n[bold]a\n")
    line = one_line_error(invoke("predict", model, lacking))
    assert "weight [kg]" in line and str(lacking) in line


def test_a_progress_line_and_a_written_path_with_brackets(marked, tmp_path):
    data, _, _ = marked
    (tmp_path / "[red]x[").mkdir()
    out = tmp_path / "[red]x[/].nlab"
    result = invoke("train", data, "--target", "label", "--hidden", "2", "--epochs", "2", "--out", out)
    assert result.exit_code == 0, result.output
    assert f"model written to {out}" in result.stdout


# -- the boundary ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            RecursionError("maximum recursion depth exceeded"),
            "unexpected error (RecursionError: maximum recursion depth exceeded). This is a bug in neuralab",
        ),
        (
            ValueError("Exceeds the limit (4300 digits)\nfor integer string conversion"),
            "unexpected error (ValueError: Exceeds the limit (4300 digits) for integer string conversion)",
        ),
        (MemoryError(), "Not enough memory to finish"),
        (
            PermissionError(13, "Permission denied", "/data/x.csv"),
            "Cannot use /data/x.csv: permission denied. Check the path and its permissions.",
        ),
    ],
)
def test_any_exception_is_one_line_and_exit_2(monkeypatch, marked, error, expected):
    def broken(*args, **kwargs):
        raise error

    monkeypatch.setattr(cli_data.io, "load", broken)
    line = one_line_error(invoke("predict", marked[1], marked[0]))
    assert expected in line


def test_neuralab_debug_shows_the_traceback(monkeypatch, marked):
    def broken(*args, **kwargs):
        raise RecursionError("deep")

    monkeypatch.setattr(cli_data.io, "load", broken)
    monkeypatch.setenv("NEURALAB_DEBUG", "1")
    result = invoke("predict", marked[1], marked[0])
    assert isinstance(result.exception, RecursionError)


def test_main_is_the_last_net(monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise KeyError("outside any command")

    monkeypatch.setattr(cli, "app", broken)
    with pytest.raises(SystemExit) as caught:
        cli.main(["predict"])
    assert caught.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: unexpected error (KeyError: 'outside any command')")


def test_a_model_file_giving_non_finite_outputs_never_prints_them(marked, tmp_path):
    """A weight too large for float32 (but finite in the file) overflows the output: refused."""
    from tests.model_files import rewrite

    data, model, _ = marked
    huge = tmp_path / "huge.nlab"
    weights = nl.load(model).network.layers[0].weights
    rewrite(model, huge, arrays={"layer0.weights": np.full_like(weights, 3e38)})
    line = one_line_error(invoke("predict", huge, data))
    assert "The model's network output for row 4 (line 5) is not finite ([nan, nan])" in line
    result = invoke("predict", huge, data, "--json")
    assert result.exit_code == 2 and "NaN" not in result.stdout and "nan" not in result.stdout
    regression = tmp_path / "r.nlab"
    table = nl.data.Table.from_arrays(
        np.linspace(0, 1, 20).reshape(-1, 1), np.linspace(0, 1, 20), target_name="y"
    )
    reg = nl.Model.for_data(table, "y", hidden=(2,))
    reg.fit(table, epochs=1, seed=0)
    nl.save(reg, regression)
    rewrite(regression, huge, edit=lambda m: m["preprocessing"].update(target_scale=1.7e308))
    csv_path = tmp_path / "x.csv"
    csv_path.write_text("x0\n" + "\n".join(str(v) for v in np.linspace(-50, 50, 5)) + "\n")
    result = invoke("predict", huge, csv_path)
    if result.exit_code == 0:  # every output small enough: finite values, correctly scaled
        values = [float(v) for v in result.stdout.splitlines()[1:]]
        assert np.isfinite(values).all()
    else:
        assert "prediction in the target's units for row" in one_line_error(result)
