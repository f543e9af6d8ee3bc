# Two entry points (see README): `make demo` runs the main job on the embedded data,
# `make test` runs lint, type checks, the test suite and the notebooks.
# Both create .venv and install everything with pip on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= out

.PHONY: demo test lint typecheck pytest venv clean bench

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/actuary benefits actuary/examples/grade_3.toml
	$(BIN)/actuary benefits actuary/examples/death.toml
	$(BIN)/actuary budget models/jilin.toml --out $(OUT)/budget
	$(BIN)/actuary report models/jilin.toml --out $(OUT)/report

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	MPLBACKEND=Agg $(BIN)/pytest -q -p no:cacheprovider --doctest-modules actuary tests --nbmake notebooks

test: lint typecheck pytest

bench: $(STAMP)
	for f in benchmarks/bench_*.py; do $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) $(OUT)
