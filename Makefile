# The two commands a newcomer needs: `make run` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench bench-envelope bench-events clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
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
	cd build/typecheck && ../../$(BIN)/mypy --config-file ../../pyproject.toml -p kubefold

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/run.py

# The issue-12 envelope: 100/3,000, 500/15,000 and 5,000/150,000 nodes/pods (long: minutes).
bench-envelope: $(VENV)/.installed
	$(BIN)/python benchmarks/envelope.py

# One event at 1,500, 15,000 and 150,000 Running pods.
bench-events: $(VENV)/.installed
	$(BIN)/python benchmarks/per_event.py

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache .hypothesis
