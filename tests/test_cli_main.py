"""The `neuralab` entry point: every error is one line on stderr and a non-zero exit."""

from __future__ import annotations

import pytest

from neuralab.cli import main


def run(capsys, *args):
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    captured = capsys.readouterr()
    return exit_info.value.code, captured.out, captured.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("descent", "--bogus"), "No such option: --bogus"),
        (("train",), "Missing argument 'data'"),
        (("nocommand",), "No such command 'nocommand'"),
        (("descent", "--steps", "-3"), "`--steps` must be a whole number >= 1. Got '-3'."),
        (("train", "/no/such/file.csv", "--target", "y"), "File not found: /no/such/file.csv"),
    ],
)
def test_errors_are_one_line_with_exit_2(capsys, args, message):
    code, out, err = run(capsys, *args)
    assert code == 2
    assert message in err
    assert err.startswith("error: ") and err.count("\n") == 1, err  # one line, no panel
    assert "Traceback" not in err and out == ""


def test_usage_errors_point_at_the_command_help(capsys):
    _, _, err = run(capsys, "backprop", "--nope")
    assert "(see `neuralab backprop --help`)" in err


def test_no_arguments_prints_the_help_and_succeeds(capsys):
    code, out, _ = run(capsys)
    assert code == 0
    assert "Usage: neuralab" in out and "tour" in out


def test_version_and_a_command_succeed(capsys):
    code, out, _ = run(capsys, "--version")
    assert (code, out.strip()) == (0, "neuralab 0.1.0")
    code, out, err = run(capsys, "backprop", "--json")
    assert code == 0 and '"a2"' in out and err == ""
