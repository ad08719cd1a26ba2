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


def invoke(*args):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def test_descent_json_follows_the_closed_form():
    result = invoke("descent", "--w0", "-1", "--learning-rate", "0.2", "--steps", "5", "--tolerance", "0",
                    "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    c = 1 - 2 * 0.2 * SUM_X2
    assert data["w"] == pytest.approx([2 + (-1 - 2) * c ** k for k in range(6)], abs=1e-12)


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
    result = invoke("vanishing", "--activations", "sigmoid,relu", "--dataset", "breast_cancer",
                    "--depth", "3", "--width", "4", "--epochs", "1", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "sigmoid" in result.output and "relu" in result.output
    assert (tmp_path / "gradient_flow.png").is_file() and (tmp_path / "vanishing_loss.svg").is_file()
    data = json.loads(invoke("activations", "--json").output)
    assert [a["name"] for a in data["activations"]][:3] == ["sigmoid", "tanh", "relu"]
    result = invoke("activations", "--name", "leaky_relu", "--out", str(tmp_path))
    assert result.exit_code == 0 and (tmp_path / "activation_leaky_relu.png").is_file()


def test_tour_quick_writes_a_report_with_no_broken_links(tmp_path):
    out = tmp_path / "report"
    result = invoke("tour", "--quick", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Test accuracy on digits" in result.output
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


@pytest.mark.parametrize("args", [
    ("descent", "--steps", "-3"),
    ("descent", "--learning-rate", "abc"),
    ("backprop", "--steps", "0"),
    ("backprop", "--w1", "nan"),
    ("vanishing", "--activations", "sigmoid,foo"),
    ("vanishing", "--dataset", "mnist"),
    ("activations", "--name", "swish"),
])
def test_bad_options_give_one_line_errors(args):
    one_line_error(invoke(*args))
