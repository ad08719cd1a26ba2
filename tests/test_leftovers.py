"""Nothing left behind (issue 21, item 6): killed saves and sweeps.

Real SIGKILLs, with bounded waits: a save killed mid-write leaves a recognisable temporary
file that the next write into the folder removes (never one of a write still running); sweep
figures go through the same writer; sweep pool workers exit when their parent is killed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

import neuralab as nl
from neuralab._files import atomic_write, remove_stale_temporaries
from neuralab.plots import save_figure

posix_only = pytest.mark.skipif(os.name != "posix", reason="SIGKILL and /proc are POSIX/Linux")

# A process that starts an atomic write, writes some bytes, says so, and waits to be killed.
_HALF_WRITE = textwrap.dedent("""
    import sys, time
    from neuralab._files import atomic_write
    with atomic_write(sys.argv[1]) as handle:
        handle.write(b"half a model" * 1000)
        handle.flush()
        print("writing", flush=True)
        time.sleep(60)
""")


def _start_half_write(target: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", _HALF_WRITE, str(target)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout.readline().strip() == "writing"
    return process


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def _kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


@posix_only
def test_a_save_killed_mid_write_leaves_a_file_the_next_save_removes(tmp_path):
    target = tmp_path / "model.nlab"
    writer = _start_half_write(target)
    _kill(writer)
    left = _temporaries(tmp_path)
    assert len(left) == 1 and left[0].startswith(f".model.nlab.{writer.pid}-")
    assert left[0].endswith(".neuralab.tmp") and not target.exists()
    table = nl.data.Table.from_arrays(np.eye(3), np.array([0.0, 1.0, 2.0]), target_name="y")
    model = nl.Model.for_data(table, "y", hidden=(2,))
    model.fit(table, epochs=1, seed=0)
    nl.save(model, tmp_path / "other.nlab")  # another file, same folder: the leftover goes
    assert _temporaries(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.nlab"]


@posix_only
def test_the_temporary_file_of_a_running_write_is_left_alone(tmp_path):
    writer = _start_half_write(tmp_path / "model.nlab")
    try:
        with atomic_write(tmp_path / "other.bin") as handle:
            handle.write(b"x")
        assert len(_temporaries(tmp_path)) == 1  # still being written by a live process
    finally:
        _kill(writer)
    left = _temporaries(tmp_path)
    assert remove_stale_temporaries(tmp_path) == [str(tmp_path / left[0])]
    assert _temporaries(tmp_path) == []


def test_only_our_names_are_removed(tmp_path):
    others = [
        ".model.nlab.swp",
        ".model.nlab.1234-abcdef01-abcdefgh.tmp",
        "x.neuralab.tmp",
        ".model.nlab.99999999-00000000-abcdefgh.neuralab.tmp",
    ]  # another machine's
    for name in others:
        (tmp_path / name).write_text("not ours to remove")
    old = tmp_path / ".model.nlab.abcd1234.tmp"  # what tempfile named them before: only if old
    old.write_text("left by an older neuralab")
    assert remove_stale_temporaries(tmp_path, "model.nlab") == []
    an_hour_ago = time.time() - 3700
    os.utime(old, (an_hour_ago, an_hour_ago))
    assert remove_stale_temporaries(tmp_path, "other.nlab") == []  # another target's: kept
    assert remove_stale_temporaries(tmp_path, "model.nlab") == [str(old)]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(others)


@posix_only
def test_sweep_figures_left_half_written_are_removed_by_the_next_figure(tmp_path):
    figures = tmp_path / "figures"
    figures.mkdir()
    writer = _start_half_write(figures / "loss_vs_learning_rate.png")
    _kill(writer)
    assert len(_temporaries(figures)) == 1
    from matplotlib.figure import Figure

    save_figure(Figure(), figures, "loss_vs_learning_rate")
    assert _temporaries(figures) == []
    assert sorted(p.name for p in figures.iterdir()) == [
        "loss_vs_learning_rate.png",
        "loss_vs_learning_rate.svg",
    ]


# -- sweep workers ---------------------------------------------------------------------------------
_SWEEP = textwrap.dedent("""
    import sys
    import neuralab as nl
    # long runs (many epochs) so that the workers are busy when the parent is killed
    nl.sweep("digits", learning_rates=[0.01, 0.02, 0.03, 0.04], activations=["relu"], depths=[2],
             widths=[64], seeds=1, epochs=10000, workers=2, out=sys.argv[1], figures=False)
""")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_sweep_workers_exit_when_the_parent_is_killed(tmp_path):
    parent = subprocess.Popen(
        [sys.executable, "-c", _SWEEP, str(tmp_path / "sweep")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(workers) < 2:
            time.sleep(0.2)
            workers = [pid for pid in _children(parent.pid) if _running(pid)]
        assert len(workers) >= 2, "the sweep did not start its two workers within 60 s"
        time.sleep(0.5)  # the workers are inside their runs now
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_running(pid) for pid in workers):
            time.sleep(0.1)
        assert not any(_running(pid) for pid in workers), "a pool worker outlived its killed parent"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        for pid in workers:  # the test's own grandchildren: never left behind, even on failure
            if _running(pid):
                os.kill(pid, signal.SIGKILL)
