# The two commands a newcomer needs: `make run` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[helm,plot,ray]'
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,helm,plot,ray]'
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(BIN)/kubefold replay examples/rolling-update.yaml

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -q -n 2

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	rm -rf build/typecheck && mkdir -p build/typecheck/kubefold
	for f in kubefold/*.py; do ln -s "$$PWD/$$f" build/typecheck/kubefold/; done
	for d in core reducers strategies properties; do ln -s "$$PWD/$$d" build/typecheck/kubefold/$$d; done
	for d in kubefold/*/; do d=$${d%/}; [ "$${d##*/}" = __pycache__ ] || ln -s "$$PWD/$$d" build/typecheck/kubefold/; done
	cd build/typecheck && ../../$(BIN)/mypy --config-file ../../pyproject.toml -p kubefold

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache .hypothesis
