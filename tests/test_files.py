"""Writing files and folders (neuralab._files): all or nothing, ordinary permissions, and
one-line OutputErrors naming the path when a file or folder cannot be written."""

from __future__ import annotations

import os
import stat

import pytest
from tests.cli_helpers import one_line_error
from typer.testing import CliRunner

import neuralab as nl
from neuralab._files import atomic_write, ensure_folder
from neuralab.cli import app
from neuralab.data import load_bundled
from neuralab.errors import NeuralabError, OutputError


@pytest.fixture
def umask():
    """Set the process umask for one test, then put the old one back."""
    old = os.umask(0o022)
    yield lambda mask: os.umask(mask)
    os.umask(old)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_gets_the_umask_mode_not_the_temporary_files(tmp_path, umask, mask, expected):
    umask(mask)
    path = tmp_path / "model.bin"
    with atomic_write(path) as handle:
        handle.write(b"weights")
    assert path.read_bytes() == b"weights"
    assert _mode(path) == expected


def test_overwriting_keeps_the_old_files_mode(tmp_path, umask):
    path = tmp_path / "shared.csv"
    path.write_text("old")
    os.chmod(path, 0o640)
    with atomic_write(path, "w") as handle:
        handle.write("new")
    assert path.read_text() == "new" and _mode(path) == 0o640


def test_an_error_inside_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "keep.txt"
    path.write_text("old")
    with pytest.raises(RuntimeError, match="boom"), atomic_write(path, "w") as handle:
        handle.write("half")
        raise RuntimeError("boom")
    assert path.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_writing_over_a_folder_or_into_a_missing_one_is_an_output_error(tmp_path):
    folder = tmp_path / "results"
    folder.mkdir()
    with pytest.raises(OutputError, match=r"it is a folder\. Give a file name"), atomic_write(folder):
        pass
    missing = tmp_path / "nowhere" / "model.nlab"
    with pytest.raises(OutputError, match=r"Cannot write .*model\.nlab: no such file or directory") as info:
        with atomic_write(missing):
            pass
    assert isinstance(info.value, OSError) and isinstance(info.value, NeuralabError)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]


def test_ensure_folder(tmp_path):
    nested = ensure_folder(tmp_path / "a" / "b")
    assert nested.is_dir() and ensure_folder(nested) == nested
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="it is a file, not a folder"):
        ensure_folder(blocker)
    with pytest.raises(OutputError, match=r"Cannot create the folder .*afile/sub: not a directory"):
        ensure_folder(blocker / "sub")


def test_saving_a_model_over_a_folder_is_an_output_error(tmp_path):
    table, target = load_bundled("iris")
    model = nl.Model.for_data(table, target, hidden=())
    model.fit(table, epochs=1, seed=0)
    with pytest.raises(OutputError, match="it is a folder"):
        nl.save(model, tmp_path)


runner = CliRunner()


def test_course_figures_into_a_file_are_one_line_errors(tmp_path):
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    line = one_line_error(runner.invoke(app, ["activations", "--out", str(blocker)]))
    assert "it is a file, not a folder" in line


def test_train_refuses_a_folder_as_out_before_training(tmp_path):
    folder = tmp_path / "adir"
    folder.mkdir()
    result = runner.invoke(app, ["train", "iris", "--out", str(folder), "--force", "--epochs", "1"])
    assert "it is a folder" in one_line_error(result)
    assert "epoch" not in result.stdout  # refused before any training
