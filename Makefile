# The two set-up commands of the README: `make run` and `make test`. Both create the virtual environment
# when it is missing and install the project into it, so a fresh clone needs nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXAMPLE ?= resources/examples/bga-0.8mm-tapered.ballmask

.PHONY: run test lint bench golden clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/ballmask $(EXAMPLE)

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q
	$(BIN)/ruff check geometry app tests bench
	$(BIN)/lint-imports

lint: $(STAMP)
	$(BIN)/ruff check geometry app tests bench
	$(BIN)/mypy geometry
	$(BIN)/lint-imports

# Regenerate the golden files of tests/golden after an intended change of the output; review the diff.
golden: $(STAMP)
	BALLMASK_UPDATE_GOLDEN=1 QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q tests/golden

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build *.egg-info
