# One task runner. Every target builds the virtual environment it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-slow dist bench template render clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)  ## score the example accounts and write icp_demo.xlsx
	$(BIN)/icp-sheets demo

test: $(STAMP)  ## lint, type-check and run the whole suite
	$(BIN)/ruff check icp_sheets tests bench addin tools
	$(BIN)/ruff format --check icp_sheets tests bench addin tools
	$(BIN)/mypy icp_sheets tests
	$(BIN)/python -m pytest -n 2

test-slow: $(STAMP)  ## the slow tests: the Lite bundle in fresh environments with Pyodide's package versions
	$(BIN)/python -m pytest -m slow

dist: $(STAMP)  ## build the wheel and sdist into dist/ and check them as PyPI would
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	$(BIN)/twine check --strict dist/*

bench: $(STAMP)  ## the figures quoted in the README (several minutes; run on a quiet machine)
	for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

template: $(STAMP)  ## regenerate templates/icp_template.xlsx from the code
	$(BIN)/icp-sheets new templates/icp_template.xlsx --force

render: template  ## PDF and PNG pages of every tab (needs LibreOffice and poppler-utils)
	scripts/render.sh templates/icp_template.xlsx out/render

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
