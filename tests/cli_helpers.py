"""Shared checks for command-line tests."""

from __future__ import annotations


def one_line_error(result, code: int = 2) -> str:
    """Assert a CliRunner ``result`` failed with ``code`` and one ``error:`` line on stderr."""
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]
