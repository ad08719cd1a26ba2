"""Seeded fuzzing of what the command line reads: mutants of a real model file and of real CSVs.

Each mutant goes through the real command line in this process (typer's CliRunner), and its
outcome is one of:

- "clean": exit 2 with exactly one ``error:`` line on stderr that is not the boundary's
  "unexpected error" (a bug caught by the last net counts as bad);
- "ok": exit 0 with a correct-looking result (every prediction row present, every number
  finite, probabilities in [0, 1] summing to 1, the label the most probable class);
- "bad": anything else (a traceback, another exit status, NaN printed with exit 0, ...).

``python -m tests.fuzz_inputs N`` runs a campaign of N mutants of each kind and prints the
counts; the test suite runs a few hundred (tests/test_fuzz_inputs.py).
"""

from __future__ import annotations

import csv
import io
import json
import math
import random
import sys
import tempfile
import traceback
import warnings
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from neuralab.cli import app
from neuralab.cli._app import UNEXPECTED
from neuralab.data import load_bundled

_runner = CliRunner()

NASTY_VALUES = [
    None,
    True,
    False,
    -1,
    0,
    1,
    10**12,
    10**39,
    -(10**39),
    1e308,
    -1e308,
    1e-320,
    float("nan"),
    float("inf"),
    "",
    "x" * 300,
    "[/b]",
    "classification",
    "regression",
    [],
    {},
    [1, 2, 3],
    {"name": "relu"},
    [[[[[]]]]],
    "float16",
    0.5,
    -0.0,
    "0",
    "1e999",
]
NASTY_CELLS = [
    "1e999",
    "-1e999",
    "inf",
    "nan",
    "NaN",
    "1_000",
    "٣",
    "𝟙",
    "",
    " ",
    '"',
    '""',
    "[/b]",
    "[/y]",
    "9" * 5000,
    "1e-400",
    "0x10",
    "1,5",
    "\x00",
    "\x00x",
    "é",
    "\ufeff1",
    "-",
    "+",
    ".",
    "1e",
    "--1",
    "x" * 10_000,
    "\r",
    "\t",
    "True",
    "None",
]


@dataclass
class Tally:
    """Counts of outcomes, and the first few bad cases with what happened."""

    counts: Counter = field(default_factory=Counter)
    bad: list[str] = field(default_factory=list)

    def add(self, kind: str, outcome: str, detail: str = "") -> None:
        self.counts[(kind, outcome)] += 1
        if outcome == "bad" and len(self.bad) < 20:
            self.bad.append(f"{kind}: {detail}")

    def total(self, outcome: str | None = None) -> int:
        return sum(n for (_, o), n in self.counts.items() if outcome is None or o == outcome)


def invoke(*args) -> object:
    return _runner.invoke(app, [str(a) for a in args])


def outcome_of(result, check_ok) -> tuple[str, str]:
    """("clean" | "ok" | "bad", detail) for a CliRunner result."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        text = "".join(traceback.format_exception(result.exception))[-1500:]
        return "bad", f"exception {type(result.exception).__name__}: {text}"
    if result.exit_code == 2:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        if (
            len(lines) == 1
            and lines[0].startswith("error: ")
            and UNEXPECTED not in lines[0]
            and "Traceback" not in result.output
        ):
            return "clean", lines[0]
        return "bad", f"exit 2 but stderr {result.stderr[-800:]!r}"
    if result.exit_code == 0:
        problem = check_ok(result)
        return ("ok", "") if problem is None else ("bad", problem)
    return "bad", f"exit {result.exit_code}: {result.output[-800:]!r}"


# -- the real inputs ---------------------------------------------------------------------------
def write_inputs(folder: Path) -> dict:
    """A classification CSV (iris, text labels, a categorical column), a regression CSV, and a
    model trained on each through the command line."""
    table, target = load_bundled("iris")
    rng = np.random.default_rng(0)
    colour = rng.choice(["red", "blue"], size=table.n_rows)
    classify = folder / "flowers.csv"
    with open(classify, "w", newline="") as handle:
        writer = csv.writer(handle)
        names = [c for c in table.columns if c != target]
        writer.writerow([*names, "colour", "species"])
        for row in range(table.n_rows):
            writer.writerow(
                [*(repr(float(table.column(c)[row])) for c in names), colour[row], table.column(target)[row]]
            )
    regress = folder / "strength.csv"
    x = rng.uniform(-1, 1, size=(80, 2))
    with open(regress, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["x1", "x2", "mix", "strength"])
        for (a, b), mix in zip(x.tolist(), rng.choice(["A", "B", "C"], size=80), strict=True):
            writer.writerow([repr(a), repr(b), mix, repr(100 + 3 * a - b + (mix == "A"))])
    models = {}
    for name, data, target_name in (("classifier", classify, "species"), ("regressor", regress, "strength")):
        path = folder / f"{name}.nlab"
        result = invoke(
            "train", data, "--target", target_name, "--hidden", "4", "--epochs", "3", "--out", path, "--json"
        )
        assert result.exit_code == 0, result.output
        models[name] = path
    return {"classify": classify, "regress": regress, **models}


def prediction_check(n_rows: int):
    """A check of ``predict`` output on ``n_rows`` rows: None if it looks right, else the problem."""

    def check(result) -> str | None:
        rows = list(csv.reader(io.StringIO(result.stdout)))
        if not rows:
            return "exit 0 with no output"
        header, body = rows[0], rows[1:]
        if len(body) != n_rows:
            return f"exit 0 with {len(body)} prediction rows for {n_rows} input rows"
        for row in body:
            if len(row) != len(header):
                return f"exit 0 with a ragged row {row} under {header}"
            try:
                numbers = [float(v) for v in (row[1:] if len(header) > 1 else row)]
            except ValueError:
                return f"exit 0 with a non-number in {row}"
            if not all(math.isfinite(v) for v in numbers):
                return f"exit 0 with a non-finite value in {row}"
            if len(header) > 1:
                if any(not 0 <= p <= 1 for p in numbers) or abs(sum(numbers) - 1) > 1e-3:
                    return f"exit 0 with probabilities {numbers} that are not a distribution"
                best = header[1 + int(np.argmax(numbers))].removeprefix("probability_")
                if row[0] != best:
                    return f"exit 0 with label {row[0]!r} but the most probable class {best!r}"
        return None

    return check


def train_check(result) -> str | None:
    try:
        payload = json.loads(result.stdout)
    except json.JSONDecodeError:
        return f"exit 0 with output that is not JSON: {result.stdout[:200]!r}"

    def numbers(value):
        if isinstance(value, dict):
            for item in value.values():
                yield from numbers(item)
        elif isinstance(value, list):
            for item in value:
                yield from numbers(item)
        elif isinstance(value, float):
            yield value

    if not all(math.isfinite(v) for v in numbers(payload["metrics"])):
        return f"exit 0 with non-finite metrics {payload['metrics']}"
    return None


def _damage(raw: bytes, kind: str, rng: random.Random, most_flips: int) -> bytes:
    """``raw`` with 1..``most_flips`` bits flipped, or cut at a random length."""
    if kind == "truncate":
        return raw[: rng.randrange(len(raw))]
    data = bytearray(raw)
    for _ in range(rng.randint(1, most_flips)):
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    return bytes(data)


# -- model mutants ---------------------------------------------------------------------------------
def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(members: list[tuple[str, bytes]], compression: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        warnings.simplefilter("ignore", UserWarning)  # a duplicated name is one of the mutations
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def _npy(array) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(array), allow_pickle=False)
    return buffer.getvalue()


def _metadata(members: dict[str, bytes]) -> dict:
    return json.loads(np.load(io.BytesIO(members["metadata.npy"])).tobytes())


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:8]):
            yield from _paths(item, (*prefix, index))


def _edit_metadata(metadata: dict, rng: random.Random) -> dict:
    paths = [p for p in _paths(metadata) if p]
    target = rng.choice(paths)
    node = metadata
    for key in target[:-1]:
        node = node[key]
    action = rng.random()
    if action < 0.1 and isinstance(node, dict):
        del node[target[-1]]
    elif action < 0.15 and isinstance(node, dict):
        node["unexpected_" + str(rng.randrange(100))] = rng.choice(NASTY_VALUES)
    elif (
        action < 0.25
        and isinstance(node[target[-1]], (int, float))
        and not isinstance(node[target[-1]], bool)
    ):
        node[target[-1]] = node[target[-1]] * rng.choice([-1, 0, 2, 1e6, 1e300, 1e-300])
    elif action < 0.3 and isinstance(node[target[-1]], list):
        node[target[-1]] = node[target[-1]][: rng.randrange(len(node[target[-1]]) + 1)] * rng.randrange(3)
    else:
        node[target[-1]] = rng.choice(NASTY_VALUES)
    return metadata


def model_mutant(source: Path, rng: random.Random) -> tuple[str, bytes]:
    """(kind, bytes of a mutated copy of the model file ``source``)."""
    raw = source.read_bytes()
    members = _members(source)
    kind = rng.choice(
        [
            "bitflip",
            "truncate",
            "metadata",
            "metadata_text",
            "array",
            "members",
            "npy_header",
            "metadata",
            "array",
        ]
    )
    if kind in ("bitflip", "truncate"):
        return kind, _damage(raw, kind, rng, 4)
    if kind == "metadata":
        members["metadata.npy"] = _npy(
            np.frombuffer(json.dumps(_edit_metadata(_metadata(members), rng)).encode(), dtype=np.uint8)
        )
        return kind, _zip(list(members.items()))
    if kind == "metadata_text":
        text = json.dumps(_metadata(members))
        choice = rng.randrange(6)
        if choice == 0:
            text = text.replace('"notes": [', '"notes": ' + "[" * rng.choice([50, 1000, 100_000]), 1)
        elif choice == 1:
            text = text.replace('"epochs": ', '"epochs": ' + "9" * rng.choice([30, 4400, 50_000]) + "0*", 1)
            text = text.replace("0*", "", 1)
        elif choice == 2:
            text = text[: rng.randrange(len(text))]
        elif choice == 3:
            text = text[:-1] + ', "loss": "mse"}'
        elif choice == 4:
            text = json.dumps([text]) if rng.random() < 0.5 else "null"
        else:
            cut = rng.randrange(len(text))
            text = text[:cut] + rng.choice(["\x00", "\ud800", "NaN", "Infinity", "{", "]", "\\"]) + text[cut:]
        members["metadata.npy"] = _npy(
            np.frombuffer(text.encode("utf-8", errors="surrogatepass"), dtype=np.uint8)
        )
        return kind, _zip(list(members.items()))
    if kind == "array":
        name = rng.choice([n for n in members if n != "metadata.npy"])
        array = np.load(io.BytesIO(members[name]))
        choice = rng.randrange(7)
        if choice == 0:
            array = array.astype(rng.choice([np.float64, np.float32, np.int64, np.float16, np.complex64]))
        elif choice == 1:
            array = array.reshape(-1)[: max(0, array.size - 1)]
        elif choice == 2 and array.size:
            array = array.astype(np.float64) if array.dtype.kind != "f" else array.copy()
            array.reshape(-1)[rng.randrange(array.size)] = rng.choice([np.nan, np.inf, 3e38, -3e38, 1e30])
        elif choice == 3:
            array = np.zeros((2, *array.shape), dtype=array.dtype)
        elif choice == 4:
            array = np.asfortranarray(np.atleast_2d(array)).T
        elif choice == 5:
            array = np.array(["x"] * max(1, array.size))
        else:
            array = array * rng.choice([1e30, -1, 0])
        with np.errstate(all="ignore"):
            members[name] = _npy(array)
        return kind, _zip(list(members.items()))
    if kind == "members":
        items = list(members.items())
        choice = rng.randrange(6)
        if choice == 0:
            items.append(
                (
                    rng.choice(
                        [
                            "evil.pkl",
                            "../../x.npy",
                            "layer9.weights.npy",
                            "optimizer.0.m.npy",
                            "a" * 300 + ".npy",
                        ]
                    ),
                    b"\x80\x04" + b"x" * 64,
                )
            )
        elif choice == 1:
            items.pop(rng.randrange(len(items)))
        elif choice == 2:
            items.append(rng.choice(items))
        elif choice == 3:
            return kind, _zip(items, zipfile.ZIP_DEFLATED)
        elif choice == 4:
            name, data = rng.choice(items)
            items.append((name.replace(".npy", ".npy.bak"), data))
        else:
            rng.shuffle(items)
            items = [(name, data) for name, data in items]
            index = rng.randrange(len(items))
            items[index] = (items[index][0], items[index][1] + b"\0" * rng.randrange(1, 64))
        return kind, _zip(items)
    # npy_header: edit bytes inside one member's header, CRC recomputed so the zip layer passes
    name = rng.choice(list(members))
    data = bytearray(members[name])
    for _ in range(rng.randint(1, 3)):
        data[rng.randrange(min(len(data), 128))] = rng.randrange(256)
    members[name] = bytes(data)
    return kind, _zip(list(members.items()))


# -- CSV mutants -----------------------------------------------------------------------------------
def csv_mutant(source: Path, rng: random.Random) -> tuple[str, bytes]:
    raw = source.read_bytes()
    kind = rng.choice(["bitflip", "truncate", "cells", "cells", "header", "structure", "bytes"])
    if kind in ("bitflip", "truncate"):
        return kind, _damage(raw, kind, rng, 6)
    rows = list(csv.reader(io.StringIO(raw.decode())))
    if kind == "cells":
        for _ in range(rng.randint(1, 40)):
            row = rng.randrange(1, len(rows))
            column = rng.randrange(len(rows[row]))
            rows[row][column] = rng.choice(NASTY_CELLS)
        if rng.random() < 0.3:  # a whole column of one nasty value
            column = rng.randrange(len(rows[0]))
            value = rng.choice(NASTY_CELLS)
            for row in rows[1:]:
                row[column] = value
    elif kind == "header":
        column = rng.randrange(len(rows[0]))
        rows[0][column] = rng.choice(
            [
                "[/y]",
                "weight [kg]",
                "",
                "\x00name",
                rows[0][(column + 1) % len(rows[0])],
                "x" * 5000,
                "é",
                "\ufeffa",
                " ",
                "[bold]",
            ]
        )
    elif kind == "structure":
        choice = rng.randrange(5)
        if choice == 0:
            rows = rows[:1]
        elif choice == 1:
            rows[rng.randrange(1, len(rows))].append("extra")
        elif choice == 2:
            rows[rng.randrange(1, len(rows))].pop()
        elif choice == 3:
            column = rng.randrange(len(rows[0]))
            rows = [[c for i, c in enumerate(r) if i != column] for r in rows]
        else:
            rows = rows * rng.randint(2, 4)
    else:
        choice = rng.randrange(5)
        data = raw
        if choice == 0:
            data = b"\xef\xbb\xbf" + raw
        elif choice == 1:
            data = raw.replace(b"\n", b"\r\n")
        elif choice == 2:
            data = raw.replace(b",", b";")
        elif choice == 3:
            data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 2000)))
        else:
            data = b""
        return kind, data
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return kind, buffer.getvalue().encode("utf-8", errors="surrogatepass")


# -- a campaign ------------------------------------------------------------------------------------
def campaign(folder: Path, *, models: int, csvs: int, trains: int, seed: int = 0) -> Tally:
    """Run ``models`` model mutants, ``csvs`` CSV mutants through predict and ``trains`` through
    train; return the tally."""
    rng = random.Random(seed)
    inputs = write_inputs(folder)
    tally = Tally()
    n_rows = {"classify": 150, "regress": 80}
    pairs = (("classifier", "classify"), ("regressor", "regress"))
    mutant = folder / "mutant.nlab"
    baseline = {name: invoke("predict", inputs[name], inputs[data]).stdout for name, data in pairs}
    for number in range(models):
        model_name, data_name = pairs[number % 2]
        kind, data = model_mutant(inputs[model_name], rng)
        mutant.write_bytes(data)
        result = invoke("predict", mutant, inputs[data_name])
        check = prediction_check(n_rows[data_name])
        if kind in _SAME_MODEL:
            check = _same_as(baseline[model_name], check)
        outcome, detail = outcome_of(result, check)
        tally.add(f"model/{kind}", outcome, detail)
    table = folder / "mutant.csv"
    for number in range(csvs + trains):
        model_name, data_name = pairs[number % 2]
        kind, data = csv_mutant(inputs[data_name], rng)
        table.write_bytes(data)
        if number < csvs:
            result = invoke("predict", inputs[model_name], table)
            outcome, detail = outcome_of(result, _lenient_prediction_check)
            tally.add(f"csv-predict/{kind}", outcome, detail)
        else:
            target = "species" if data_name == "classify" else "strength"
            result = invoke(
                "train",
                table,
                "--target",
                target,
                "--hidden",
                "3",
                "--epochs",
                "2",
                "--out",
                folder / "trained.nlab",
                "--force",
                "--json",
            )
            outcome, detail = outcome_of(result, train_check)
            tally.add(f"csv-train/{kind}", outcome, detail)
    return tally


# Mutations that change no number the model computes with: if such a file loads, it must
# predict exactly what the original does.
_SAME_MODEL = ("bitflip", "members", "npy_header", "truncate")


def _same_as(expected: str, check):
    def same(result) -> str | None:
        if result.stdout != expected:
            return "exit 0 with predictions that differ from the unchanged model's"
        return check(result)

    return same


def _lenient_prediction_check(result) -> str | None:
    """The predictions of a mutated CSV: the row count is whatever the file holds."""
    rows = list(csv.reader(io.StringIO(result.stdout)))
    return prediction_check(len(rows) - 1)(result) if rows else "exit 0 with no output"


def report(tally: Tally) -> str:
    kinds = sorted({kind for kind, _ in tally.counts})
    lines = [f"{'kind':28} {'tried':>6} {'ok':>6} {'clean':>6} {'bad':>5}"]
    for kind in kinds:
        counts = [tally.counts[(kind, o)] for o in ("ok", "clean", "bad")]
        lines.append(f"{kind:28} {sum(counts):6} {counts[0]:6} {counts[1]:6} {counts[2]:5}")
    lines.append(
        f"{'total':28} {tally.total():6} {tally.total('ok'):6} {tally.total('clean'):6} "
        f"{tally.total('bad'):5}"
    )
    return "\n".join(lines + tally.bad)


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    with tempfile.TemporaryDirectory() as folder:
        print(report(campaign(Path(folder), models=count, csvs=count // 2, trains=count // 5, seed=seed)))
