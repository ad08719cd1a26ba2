# Two commands on a fresh machine:
#   make tour   - creates .venv, installs neuralab, runs the course tour (report in ./neuralab-report/)
#   make test   - creates .venv, installs neuralab with its test tools, runs ruff, mypy and the test suite
#   make bench  - the benchmarks against PyTorch and scikit-learn (benchmarks/README.md)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: tour test lint bench docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# torch is pinned to exactly 2.13.0 in the test extra (CPU build); never loosen the pin.
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

tour: $(VENV)/.installed
	$(BIN)/neuralab tour --force

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

# The docs site: installs the docs extra, regenerates the tutorials' figures from the library
# (docs/hooks.py runs docs/gen_figures.py) and builds strictly into site/.
# Live preview: $(BIN)/mkdocs serve
$(VENV)/.installed-docs: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[docs]'
	touch $(VENV)/.installed $@

docs: $(VENV)/.installed-docs
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

# The benchmark against its peers (PyTorch eager and compiled, JAX, Keras 3 on JAX and on PyTorch,
# scikit-learn): installs the bench extra (exact pins) and runs `python -m benchmarks` in the fair
# setting (OpenBLAS tuning variables unset). Options: make bench BENCH_ARGS="--quick"
BENCH_ARGS ?=
$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $(VENV)/.installed $@

bench: $(VENV)/.installed-bench
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BIN)/python -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf $(VENV) neuralab-report .pytest_cache .hypothesis site docs/generated
