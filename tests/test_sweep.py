"""`neuralab sweep` and `neuralab.sweep`: the grid, divergence as a result, equality with plain
`fit`, resume, Ctrl-C, bad configs, and the Dask cluster path with real scheduler and workers.

One small grid on the bundled diabetes set (regression, R^2) is used throughout:
3 learning rates x 2 activations x 2 depths x 1 width x 2 seeds = 24 runs of 3 epochs.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import r2_score
from tests.cli_helpers import one_line_error
from typer.testing import CliRunner

import neuralab as nl
from neuralab.cli import app
from neuralab.sweeps import RECORD_FIELDS, RunSpec, SweepError, prepare_data, summarize
from neuralab.sweeps import execute as sweep_execute

runner = CliRunner()

LEARNING_RATES = (0.01, 0.1, 50.0)  # 50 is absurd for SGD on standardised data: it diverges
ACTIVATIONS = ("tanh", "relu")
DEPTHS = (1, 3)
WIDTHS = (4,)
SEEDS = (0, 1)
EPOCHS, BATCH = 3, 64
GRID = dict(
    learning_rates=LEARNING_RATES,
    activations=ACTIVATIONS,
    depths=DEPTHS,
    widths=WIDTHS,
    seeds=len(SEEDS),
    epochs=EPOCHS,
    batch_size=BATCH,
)
GRID_ARGS = [
    "--learning-rate",
    "0.01,0.1,50",
    "--activation",
    "tanh,relu",
    "--depth",
    "1,3",
    "--width",
    "4",
    "--seeds",
    "2",
    "--epochs",
    str(EPOCHS),
    "--batch-size",
    str(BATCH),
]
N_RUNS = 24
NUMERIC = (
    "final_loss",
    "best_loss",
    "final_val_loss",
    "final_metric",
    "best_metric",
    "gradient_ratio",
    "gradient_ratio_final",
)
EXACT = (
    "run_id",
    "learning_rate",
    "activation",
    "depth",
    "width",
    "seed",
    "status",
    "epochs_run",
    "diverged",
    "diverged_epoch",
    "error",
)


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})


def same_results(records, expected, *, rel=0.0):
    """Records equal run by run: ids, hyperparameters and outcome exactly, numbers to ``rel``."""
    by_id = {r["run_id"]: r for r in expected}
    assert sorted(r["run_id"] for r in records) == sorted(by_id)
    for record in records:
        other = by_id[record["run_id"]]
        assert {k: record[k] for k in EXACT} == {k: other[k] for k in EXACT}
        for key in NUMERIC:
            if other[key] is None:
                assert record[key] is None, key
            else:
                assert record[key] == pytest.approx(other[key], rel=rel, abs=rel * 1e-3), key


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    """The grid run once on a local pool of two processes."""
    out = tmp_path_factory.mktemp("local") / "sweep"
    results = nl.sweep("diabetes", **GRID, workers=2, out=out)
    return out, results


# -- the grid, locally ------------------------------------------------------------------------
def test_every_combination_is_present_once(local):
    _, results = local
    assert len(results) == N_RUNS and results.ran == N_RUNS and not results.interrupted
    combos = [(r["learning_rate"], r["activation"], r["depth"], r["width"], r["seed"]) for r in results]
    assert sorted(combos) == sorted(itertools.product(LEARNING_RATES, ACTIVATIONS, DEPTHS, WIDTHS, SEEDS))
    assert len({r["run_id"] for r in results}) == N_RUNS
    first = results[0]
    spec = RunSpec(
        first["learning_rate"],
        first["activation"],
        first["depth"],
        first["width"],
        first["seed"],
        EPOCHS,
        BATCH,
        "sgd",
        "float32",
    )
    assert first["run_id"] == spec.run_id
    pids = {int(r["worker"].removeprefix("local:")) for r in results}
    assert 1 <= len(pids) <= 2 and os.getpid() not in pids  # the pool's processes ran them


def test_absurd_learning_rate_diverges_and_is_recorded(local):
    _, results = local
    for record in results:
        if record["learning_rate"] == 50.0:
            assert record["status"] == "diverged" and record["diverged"] is True
            assert 1 <= record["diverged_epoch"] <= EPOCHS
            assert record["epochs_run"] == record["diverged_epoch"] - 1
            assert "smaller learning rate" in record["error"]
        else:
            assert record["status"] == "ok" and record["diverged"] is False
            assert record["diverged_epoch"] is None and record["error"] is None
            assert record["epochs_run"] == EPOCHS


def test_results_equal_fitting_each_configuration_one_by_one(local):
    """Each run rebuilt with the public API and trained with `fit` gives the same numbers."""
    _, results = local
    data = prepare_data("diabetes")
    for record in results:
        initializer = "he_uniform" if record["activation"] == "relu" else "glorot_uniform"
        layers, width = [], data.X_train.shape[1]
        for _ in range(record["depth"]):
            layers.append(
                nl.Dense(record["width"], record["activation"], input_dim=width, initializer=initializer)
            )
            width = record["width"]
        net = nl.Sequential([*layers, nl.Dense(1, "linear", input_dim=width)])
        options = dict(
            loss="mse",
            optimizer=nl.SGD(record["learning_rate"]),
            epochs=EPOCHS,
            batch_size=BATCH,
            validation_data=(data.X_val, data.y_val),
            seed=record["seed"],
            divergence=nl.DivergenceRule(factor=10.0),
        )
        if record["diverged"]:
            with pytest.raises(nl.DivergenceError) as caught:
                nl.fit(net, data.X_train, data.y_train, **options)
            assert caught.value.epoch == record["diverged_epoch"]
            continue
        history = nl.fit(net, data.X_train, data.y_train, **options)
        assert record["final_loss"] == history.loss[-1]  # same arithmetic: bit-identical
        assert record["best_loss"] == min(history.loss)
        assert record["final_val_loss"] == history.val_loss[-1]
        r2 = r2_score(data.y_val[:, 0], net.predict(data.X_val)[:, 0].astype(np.float64))
        assert record["final_metric"] == pytest.approx(r2, rel=1e-5, abs=1e-6)
        norms = history.gradient_norms[0]
        assert record["gradient_ratio"] == norms[0] / norms[-1]


def test_files_summary_and_page(local):
    out, results = local
    lines = (out / "results.jsonl").read_text().splitlines()
    assert sorted(json.loads(line)["run_id"] for line in lines) == sorted(r["run_id"] for r in results)
    csv_rows = (out / "results.csv").read_text().splitlines()
    assert csv_rows[0] == ",".join(RECORD_FIELDS) and len(csv_rows) == N_RUNS + 1
    page = (out / "index.html").read_text()
    for stem in ("loss_vs_learning_rate", "gradient_ratio_vs_depth"):
        assert f"figures/{stem}.svg" in page
        assert (out / "figures" / f"{stem}.png").is_file() and (out / "figures" / f"{stem}.svg").is_file()
    rows = {row["activation"]: row for row in summarize(results, "activation")}
    relu = [r["final_loss"] for r in results if r["activation"] == "relu" and r["status"] == "ok"]
    assert rows["relu"]["runs"] == 12 and rows["relu"]["diverged"] == 4 and rows["relu"]["ok"] == 8
    assert rows["relu"]["final_loss_mean"] == pytest.approx(np.mean(relu), rel=1e-12)
    assert rows["relu"]["final_loss_sd"] == pytest.approx(np.std(relu, ddof=1), rel=1e-12)
    frame = results.to_dataframe()
    assert list(frame.columns) == list(RECORD_FIELDS) and len(frame) == N_RUNS


# -- resume and interruption ------------------------------------------------------------------
def test_resume_with_max_runs_gives_the_uninterrupted_results(local, tmp_path):
    out = tmp_path / "resumed"
    payloads = []
    for max_runs in (10, 10, None):
        extra = [] if max_runs is None else ["--max-runs", max_runs]
        result = invoke("sweep", "diabetes", *GRID_ARGS, "--workers", "1", "--out", out, "--json", *extra)
        assert result.exit_code == 0, result.output
        payloads.append(json.loads(result.stdout))
        lines = (out / "results.jsonl").read_text().splitlines()
        assert len(lines) == sum(p["ran"] for p in payloads)
        left = N_RUNS - len(lines)  # the page says when the grid is not finished, and how to go on
        assert (f"{left} have not run yet" in (out / "index.html").read_text()) == (left > 0)
    assert [(p["ran"], p["skipped"]) for p in payloads] == [(10, 0), (10, 10), (4, 20)]
    assert payloads[0]["data"]["configured_runs"] == N_RUNS
    records = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert len({r["run_id"] for r in records}) == N_RUNS
    same_results(records, local[1], rel=1e-6)


def test_a_line_cut_by_a_kill_is_dropped_and_rerun(tmp_path):
    out = tmp_path / "cut"
    first = nl.sweep("diabetes", **GRID, workers=1, out=out, max_runs=3, figures=False)
    path = out / "results.jsonl"
    path.write_text(path.read_text() + '{"run_id": "half a rec')
    again = nl.sweep("diabetes", **GRID, workers=1, out=out, max_runs=2, figures=False)
    assert (again.skipped, again.ran) == (3, 2)
    records = [json.loads(line) for line in path.read_text().splitlines()]
    assert [r["run_id"] for r in records[:3]] == [r["run_id"] for r in first]
    assert len(records) == 5


class InterruptAfter(sweep_execute.Progress):
    """Raises KeyboardInterrupt (as Ctrl-C would) once ``count`` runs have finished."""

    def __init__(self, count):
        self.count, self.seen = count, 0

    def on_result(self, record):
        self.seen += 1
        if self.seen == self.count:
            raise KeyboardInterrupt


@pytest.mark.parametrize("workers", [1, 2])
def test_ctrl_c_stops_scheduling_and_keeps_what_finished(tmp_path, workers):
    out = tmp_path / "stopped"
    results = nl.sweep("diabetes", **GRID, workers=workers, out=out, progress=InterruptAfter(3))
    assert results.interrupted
    on_disk = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert 3 <= len(on_disk) < N_RUNS and len(results) == len(on_disk)  # in-flight runs finish, no more
    assert len(on_disk) <= 3 + 2 * workers
    assert (out / "results.csv").read_text().count("\n") == len(on_disk) + 1
    rest = nl.sweep("diabetes", **GRID, workers=1, out=out, figures=False)
    assert (rest.skipped, rest.ran, len(rest)) == (len(on_disk), N_RUNS - len(on_disk), N_RUNS)


def test_cli_interrupt_exits_130(tmp_path, monkeypatch):
    monkeypatch.setattr("neuralab.sweeps.api.run_all", lambda *args, **kwargs: True)  # "Ctrl-C was pressed"
    result = invoke(
        "sweep", "diabetes", *GRID_ARGS, "--workers", "1", "--out", tmp_path / "i", "--max-runs", 1
    )
    assert result.exit_code == 130, result.output
    assert "interrupted" in result.stderr and "rerun the same command" in result.stderr


# -- configs ----------------------------------------------------------------------------------
def test_toml_config_with_command_line_override(tmp_path):
    config = tmp_path / "sweep.toml"
    config.write_text(
        'data = "diabetes"\n[sweep]\nlearning_rate = [0.05]\nactivation = "tanh"\n'
        f"depth = [1, 2]\nwidth = 3\nseeds = [4]\nepochs = {EPOCHS}\nbatch_size = 100\n"
    )
    result = invoke(
        "sweep", "--config", config, "--depth", "2", "--out", tmp_path / "c", "--json", "--workers", "1"
    )
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in (tmp_path / "c" / "results.jsonl").read_text().splitlines()]
    assert [
        (r["learning_rate"], r["activation"], r["depth"], r["width"], r["seed"], r["batch_size"])
        for r in records
    ] == [(0.05, "tanh", 2, 3, 4, 100)]


BAD = [
    (["--activation", "relu,swish"], "Unknown hidden-layer activation 'swish'"),
    (
        ["--activation", "softmax"],
        "The activation 'softmax' cannot be swept as a hidden layer: it belongs in the output layer",
    ),
    (["--activation", "binary_step"], "binary_step has a zero derivative everywhere"),
    (["--epochs", "0"], "Epochs must be a positive integer. Got 0."),
    (["--learning-rate", "0.1,-0.01"], "learning rate must be a finite number > 0. Got -0.01"),
    (["--depth", ","], "--depth is empty"),
    (["--seeds", "0"], "`seeds` must be a count >= 1"),
    (["--width", "4,x"], "--width: 'x' is not an integer"),
    (["--scheduler", "not-an-address"], "--scheduler must be an address such as tcp://HOST:8786"),
]


@pytest.mark.parametrize(("args", "message"), BAD)
def test_bad_options_are_one_line_errors_before_any_run(tmp_path, args, message):
    out = tmp_path / "bad"
    line = one_line_error(invoke("sweep", "diabetes", "--out", out, *args))
    assert message in line
    assert not (out / "results.jsonl").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("depth = []\n", "The grid is empty: `depths` has no values"),
        ("learning_rate = [-1.0]\n", "Got -1.0"),
        ("activations = ['relu']\nepoch = 3\n", "unknown setting(s) epoch"),
        ("epochs = 'ten'\n", "`epochs` must be a int"),
        ("depth = [2\n", "is not valid TOML"),
    ],
)
def test_bad_config_files_are_one_line_errors(tmp_path, text, message):
    config = tmp_path / "bad.toml"
    config.write_text(text)
    line = one_line_error(invoke("sweep", "diabetes", "--config", config, "--out", tmp_path / "o"))
    assert message in line
    assert not (tmp_path / "o").exists()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_scheduler_is_a_one_line_error(tmp_path):
    pytest.importorskip("distributed")
    out = tmp_path / "u"
    line = one_line_error(
        invoke(
            "sweep",
            "diabetes",
            *GRID_ARGS,
            "--scheduler",
            f"tcp://127.0.0.1:{free_port()}",
            "--connect-timeout",
            "0.5",
            "--out",
            out,
        )
    )
    assert "Cannot reach the Dask scheduler" in line and "dask scheduler" in line
    assert not out.exists()


def test_scheduler_without_dask_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    line = one_line_error(
        invoke("sweep", "diabetes", "--scheduler", "tcp://127.0.0.1:8786", "--out", tmp_path / "x")
    )
    assert "pip install 'neuralab[sweep]'" in line


def test_other_data_in_the_out_folder_is_refused(local):
    out, _ = local
    line = one_line_error(invoke("sweep", "iris", *GRID_ARGS, "--out", out))
    assert "holds a sweep of other data" in line


def test_a_run_that_raises_is_a_result(monkeypatch):
    from neuralab.sweeps import runner

    real = runner.build_network

    def broken(spec, *args):
        if spec.activation == "tanh":
            raise ValueError("boom")
        return real(spec, *args)

    monkeypatch.setattr(runner, "build_network", broken)
    results = nl.sweep(
        "diabetes",
        learning_rates=[0.1],
        activations=["tanh", "relu"],
        depths=[1],
        widths=[2],
        seeds=1,
        epochs=1,
        workers=1,
    )
    status = {r["activation"]: (r["status"], r["error"]) for r in results}
    assert status == {"tanh": ("error", "ValueError: boom"), "relu": ("ok", None)}


# -- the Dask cluster ---------------------------------------------------------------------------
def _stop(processes):
    """Ctrl-C each process, workers before the scheduler (each leaves at once); kill after 15 s."""
    for proc in reversed(processes):
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def test_sweep_on_a_dask_cluster_matches_the_local_run(local, tmp_path):
    pytest.importorskip("distributed")
    from distributed import Client

    dask = Path(sys.executable).with_name("dask")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    common = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=tmp_path)
    processes = [
        subprocess.Popen(
            [
                str(dask),
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-dashboard",
                "--idle-timeout",
                "120",
            ],
            **common,
        )
    ]
    try:
        for name in ("a", "b"):
            processes.append(
                subprocess.Popen(
                    [
                        str(dask),
                        "worker",
                        address,
                        "--nthreads",
                        "1",
                        "--no-nanny",
                        "--no-dashboard",
                        "--name",
                        name,
                        "--host",
                        "127.0.0.1",
                        "--memory-limit",
                        "0",
                        "--death-timeout",
                        "60",
                        "--local-directory",
                        str(tmp_path / name),
                    ],
                    **common,
                )
            )
        deadline = time.monotonic() + 60
        client = None
        while True:  # poll the scheduler until both workers have joined (bounded)
            assert all(p.poll() is None for p in processes), "a dask process exited early"
            try:
                client = client or Client(address, timeout=2, set_as_default=False)
                if len(client.nthreads()) == 2:
                    workers = set(client.nthreads())
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the dask workers did not join within 60 s"
            time.sleep(0.2)
        client.close()
        out = tmp_path / "cluster"
        result = invoke("sweep", "diabetes", *GRID_ARGS, "--scheduler", address, "--out", out, "--json")
        assert result.exit_code == 0, result.output
        payload = json.loads(result.stdout)
        assert payload["ran"] == N_RUNS
        records = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
        assert {r["worker"] for r in records} == workers  # both workers took runs
        same_results(records, local[1], rel=1e-5)  # BLAS threads may differ: float tolerance
    finally:
        _stop(processes)
    assert all(proc.poll() is not None for proc in processes)


def test_math_is_finite_in_every_ok_record(local):
    for record in local[1]:
        for key in NUMERIC:
            value = record[key]
            assert value is None or math.isfinite(value)


def test_sweep_error_is_a_neuralab_error():
    assert issubclass(SweepError, nl.NeuralabError)
    with pytest.raises(SweepError, match="grid is empty"):
        nl.sweep("diabetes", learning_rates=[], workers=1)


def test_a_blow_up_is_diverged_with_its_epoch_and_counted():
    """Sigmoid at learning rate 1 on diabetes: the sweep's DivergenceRule (10 x best) stops it."""
    results = nl.sweep(
        "diabetes",
        learning_rates=[1.0, 0.01],
        activations=["sigmoid"],
        depths=[3],
        widths=[16],
        seeds=1,
        epochs=5,
        workers=1,
    )
    by_rate = {r["learning_rate"]: r for r in results}
    blown, fine = by_rate[1.0], by_rate[0.01]
    assert blown["status"] == "diverged" and blown["diverged"] is True and blown["diverged_epoch"] == 1
    assert fine["status"] == "ok" and fine["diverged_epoch"] is None
    row = summarize(results, "activation")[0]
    assert row["diverged"] == 1 and row["ok"] == 1


def test_a_run_that_ends_far_above_its_best_is_diverged_even_if_finite(monkeypatch, tmp_path):
    from types import SimpleNamespace

    from neuralab.history import History
    from neuralab.sweeps import runner
    from neuralab.sweeps.page import write_page

    losses = [5.0, 2.0, 0.9, 25.0, 1452.0]  # finite all along; epoch 4 is above 10 x max(best 0.9, floor 1)
    history = History(epoch=[1, 2, 3, 4, 5], loss=losses, gradient_norms=[[1.0, 2.0]] * 5)
    monkeypatch.setattr(
        runner,
        "train_run",
        lambda spec, data: runner.RunOutcome(SimpleNamespace(history=history), [0.1] * 5, None),
    )
    spec = RunSpec(1.0, "sigmoid", 2, 8, 0, 5, 32, "sgd", "float32")
    record = runner.run_one(spec, prepare_data("diabetes"))
    assert record["status"] == "diverged" and record["diverged"] is True and record["diverged_epoch"] == 4
    assert record["final_loss"] == 1452.0 and record["epochs_run"] == 5
    assert record["error"] == (
        "The loss blew up in epoch 4 and ended at 1452, above 10 x its best epoch "
        "loss 0.9. Try a smaller learning rate, e.g. 0.1."
    )
    recovered = History(epoch=[1, 2, 3], loss=[5.0, 30.0, 1.0], gradient_norms=[[1.0, 2.0]] * 3)
    monkeypatch.setattr(
        runner,
        "train_run",
        lambda spec, data: runner.RunOutcome(SimpleNamespace(history=recovered), [0.5] * 3, None),
    )
    ok = runner.run_one(spec, prepare_data("diabetes"))
    assert ok["status"] == "ok" and ok["diverged_epoch"] is None  # it came back below the bound
    page, _ = write_page(tmp_path, [record, ok], {"metric": "r2", "source": "diabetes"})
    assert "1 finished, 1 diverged, 0 failed" in page.read_text()
