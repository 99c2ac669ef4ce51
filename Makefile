# The two commands a newcomer needs: `make run` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench bench-envelope bench-events fuzz clean

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

# The fuzz properties of tests/test_fuzz.py run long with fresh randomness, then a campaign of
# hostile inputs (fuzz/hostile.py) through the command line. EXAMPLES and COUNT set the sizes.
fuzz: $(VENV)/.installed-dev
	KUBEFOLD_FUZZ_EXAMPLES=$${EXAMPLES:-5000} KUBEFOLD_FUZZ_RANDOM=1 \
		$(BIN)/python -m pytest -q -n 2 -p no:cacheprovider tests/test_fuzz.py
	$(BIN)/python fuzz/campaign.py --count $${COUNT:-2000} --workers 2

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
