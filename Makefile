# The two set-up commands of the README: `make run` and `make test`. Both create the virtual environment
# when it is missing and install the project into it, so a fresh clone needs nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXAMPLE ?= resources/examples/bga-0.8mm-tapered.ballmask

# The desktop bundle (PyInstaller, packaging/ballmask.spec): rebuilt only when a source or resource changed.
BUNDLE := dist/ballmask/ballmask
BUNDLE_SOURCES := $(shell find geometry cli app resources packaging -type f -not -path '*/__pycache__/*' \
                    -not -name '*.pyc') pyproject.toml
PREFIX ?= $(HOME)/.local

.PHONY: run test lint bench golden clean bundle install-desktop uninstall-desktop

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bundle]'
	touch $(STAMP)

$(BUNDLE): $(STAMP) $(BUNDLE_SOURCES)
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller packaging/ballmask.spec
	touch $(BUNDLE)

bundle: $(BUNDLE)

# the menu entry, icons and MIME type, with the bundle copied to $(PREFIX)/lib/ballmask (packaging/README.md)
install-desktop: $(BUNDLE)
	PREFIX=$(PREFIX) BUNDLE=$(CURDIR)/dist/ballmask packaging/linux/install-desktop.sh

uninstall-desktop:
	PREFIX=$(PREFIX) packaging/linux/install-desktop.sh --uninstall

run: $(STAMP)
	$(BIN)/ballmask $(EXAMPLE)

# The bundle is built once (a few minutes, then only after changes) and the tests marked `bundle` run it.
test: $(STAMP) $(BUNDLE)
	QT_QPA_PLATFORM=offscreen BALLMASK_BUNDLE=$(BUNDLE) $(BIN)/python -m pytest -q
	$(BIN)/ruff check geometry cli app tests bench
	$(BIN)/mypy geometry cli app bench
	$(BIN)/lint-imports

lint: $(STAMP)
	$(BIN)/ruff check geometry cli app tests bench
	$(BIN)/mypy geometry cli app bench
	$(BIN)/lint-imports

# Regenerate the golden files of tests/golden after an intended change of the output; review the diff.
golden: $(STAMP)
	BALLMASK_UPDATE_GOLDEN=1 QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q tests/golden

# The fuzzer of tests/fuzz with many more mutants than `make test` runs (FUZZ_EXAMPLES per fuzz test).
FUZZ_EXAMPLES ?= 2000
fuzz: $(STAMP)
	BALLMASK_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q tests/fuzz

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build dist *.egg-info
