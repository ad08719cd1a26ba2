"""Every flag a message suggests exists on the command that printed it (issue 15, item 9).

Two walks: (1) each data command is driven into its errors, warnings, notes and hints, and
every ``--flag`` in what it printed must be one of that command's options; (2) every
``--flag`` written in the modules behind those commands must exist on at least one of them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer
from benchmarks.messy_tables import messy_columns, write_table
from tests.test_tables import train_messy
from typer.testing import CliRunner

import neuralab
from neuralab.cli import app

FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
runner = CliRunner()


def options(command: str) -> set[str]:
    click_command = typer.main.get_command(app).commands[command]
    return {opt for param in click_command.params for opt in (*param.opts, *param.secondary_opts)}


def flags_in(text: str) -> set[str]:
    return set(FLAG.findall(text))


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("flags")
    columns = messy_columns(120, seed=0, leak=True)
    write_table(folder / "clinic.csv", columns)
    write_table(folder / "semi.csv", columns, sep=";", decimal=",")
    new = {name: values for name, values in columns.items() if name not in ("outcome",)}
    new["site"] = ["Atlantis", *new["site"][1:]]
    write_table(folder / "new.csv", new)
    labelled = dict(columns, site=["Atlantis", *columns["site"][1:]])
    write_table(folder / "labelled.csv", labelled)
    small = messy_columns(24, seed=1)
    write_table(folder / "small.csv", small)
    (folder / "ragged.csv").write_text("a;b;y\n1,5;2,0;x\n")
    (folder / "inf.csv").write_text(
        "x,y\n" + "".join(f"{'1e999' if i == 3 else i},{i % 2}\n" for i in range(9))
    )
    (folder / "ids.csv").write_text("name,x,y\n" + "".join(f"n{i},{i},{i % 2}\n" for i in range(30)))
    (folder / "tiny.csv").write_text("a,y\n1,0\n2,1\n3,0\n")
    (folder / "gaps.csv").write_text("a,y\n1,0\n,1\n3,0\n4,1\n5,0\n6,1\n7,0\n8,1\n9,0\n10,1\n")
    model = folder / "m.nlab"
    train_messy(folder / "clinic.csv", model, "--epochs", "3")
    return folder, model


def scenarios(folder: Path, model: Path) -> dict[str, list[list[str]]]:
    f = {
        name: str(folder / f"{name}.csv")
        for name in ("clinic", "semi", "new", "labelled", "small", "ragged", "inf", "ids", "tiny", "gaps")
    }
    out = str(folder / "x.nlab")
    m = str(model)
    return {
        "train": [
            [f["clinic"], "--target", "outcome", "--out", out, "--force"],  # id column
            [f["clinic"], "--ignore", "id", "--out", out, "--force"],  # no target
            [f["clinic"], "--target", "outcome", "--ignore", "id", "--epochs", "2", "--out", out, "--force"],
            [f["small"], "--target", "outcome", "--ignore", "id", "--epochs", "2", "--out", out, "--force"],
            [
                f["clinic"],
                "--target",
                "outcome",
                "--ignore",
                "id",
                "--no-early-stopping",
                "--epochs",
                "60",
                "--out",
                out,
                "--force",
            ],
            [f["ragged"], "--target", "y", "--sep", ",", "--out", out, "--force"],
            [f["inf"], "--target", "y", "--out", out, "--force"],
            [f["ids"], "--target", "y", "--out", out, "--force"],
            [f["tiny"], "--target", "y", "--out", out, "--force"],
            [f["tiny"], "--target", "a", "--task", "classification", "--out", out, "--force"],
            [f["gaps"], "--target", "y", "--missing", "error", "--out", out, "--force"],
            [f["gaps"], "--target", "y", "--epochs", "1", "--validation-split", "0", "--out", out, "--force"],
            [f["clinic"], "--target", "outcome", "--early-stopping", "0", "--out", out, "--force"],
            [f["clinic"], "--target", "outcome", "--missing", "maybe", "--out", out, "--force"],
            [f["clinic"], "--target", "outcome", "--sep", "ab", "--out", out, "--force"],
            [f["clinic"], "--target", "outcome", "--out", m],  # exists
        ],
        "evaluate": [
            [m, f["labelled"]],
            [m, f["labelled"], "--strict"],
            [m, f["small"]],
            [m, f["clinic"], "--missing", "error"],
            [m, f["ragged"], "--sep", ","],
            [m, f["tiny"]],
            [m, f["semi"], "--decimal", "."],
        ],
        "predict": [
            [m, f["new"]],
            [m, f["new"], "--strict"],
            [m, f["new"], "--keep", "nope"],
            [m, f["new"], "--keep", "prediction"],
            [m, f["clinic"], "--missing", "drop"],
            [m, f["clinic"], "--missing", "error"],
            [m, f["ragged"], "--sep", ","],
            [m, f["tiny"]],
            [m, f["inf"]],
        ],
        "lr-find": [
            [f["clinic"], "--target", "outcome", "--steps", "5", "--out", str(folder / "lr.png"), "--force"],
            [f["ragged"], "--target", "y", "--sep", ","],
            [f["inf"], "--target", "y"],
            [f["tiny"]],
        ],
    }


def test_every_flag_a_data_command_prints_is_one_of_its_options(files):
    folder, model = files
    seen: dict[str, set[str]] = {}
    for command, runs in scenarios(folder, model).items():
        valid = options(command)
        for args in runs:
            result = runner.invoke(app, [command, *args])
            assert "Traceback" not in result.output
            printed = result.stdout + result.stderr
            named = flags_in(printed) - flags_in(" ".join(args))  # echoed arguments are not suggestions
            seen.setdefault(command, set()).update(named)
            assert named <= valid, f"{command} {args} suggests {sorted(named - valid)}:\n{printed}"
    # the walk did reach the messages that suggest flags
    assert {"--ignore", "--validation-split", "--no-early-stopping", "--missing-indicator"} <= seen["train"]
    assert "--strict" in seen["evaluate"] and "--strict" in seen["predict"]


def test_every_flag_written_in_the_data_layer_exists_on_a_data_command():
    root = Path(neuralab.__file__).parent
    sources = [
        *sorted((root / "data").glob("*.py")),
        root / "model.py",
        root / "sanity.py",
        root / "cli" / "data.py",
        # the modules split out of model.py and cli/data.py
        *(root / f"model_{name}.py" for name in ("network", "evaluation")),
        *(root / "cli" / f"{name}.py" for name in ("train", "evaluate", "model_data", "progress", "resume")),
    ]
    known = set().union(*(options(command) for command in ("train", "evaluate", "predict")))
    for source in sources:
        written = flags_in(source.read_text(encoding="utf-8"))
        assert written <= known, f"{source.name} names {sorted(written - known)}"
