# Two commands matter: `make demo` and `make test`. Both set up everything they need (Debian
# packages, .venv, the project installed editable) and are safe to run again.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: all system venv demo test lint unit bench dist clean

all: test

system:
	@bash tools/system-deps.sh

$(STAMP): pyproject.toml constraints.txt | system
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip setuptools wheel
	$(BIN)/pip install -q -c constraints.txt -e '.[test,build]'
	@touch $(STAMP)

venv: system $(STAMP)

# The whole kiosk on the embedded default (pcscd + virtual card, simulator, temporary data).
# No display here (no DISPLAY / WAYLAND_DISPLAY)? It runs on a virtual X screen (xvfb-run).
demo: venv
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then $(BIN)/kiosk run --demo $(DEMO_ARGS); \
	else echo "make demo: no display, running on a virtual X screen (xvfb-run -a)"; \
	xvfb-run -a -s "-screen 0 1920x1080x24" $(BIN)/kiosk run --demo $(DEMO_ARGS); fi

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# The unit tier again with Qt unimportable first, then the whole suite, which ends with its
# slowest 15 tests so that time creep shows.
test: venv lint
	$(BIN)/python -m tools.unit_without_qt -q
	$(BIN)/python -m pytest --durations=15

bench: venv
	$(BIN)/python -m bench

# The onedir bundle dist/kiosk (kiosk.spec; docs/deploy.md). A fixed hash seed makes the archives
# byte-reproducible; kiosk.spec refuses packages that differ from constraints.txt.
# ADAPTERS: third-party adapter packages to freeze in (folders, wheels or requirements), installed
# for this build only into build/adapters: the venv itself is never changed.
ADAPTERS ?=
ADAPTER_SITE := build/adapters
dist: venv
	rm -rf $(ADAPTER_SITE)
	$(if $(strip $(ADAPTERS)),$(BIN)/pip install -q --no-deps --no-build-isolation --target $(ADAPTER_SITE) $(ADAPTERS))
	PYTHONHASHSEED=0 PYTHONPATH=$(abspath $(ADAPTER_SITE)) $(BIN)/pyinstaller --noconfirm --clean kiosk.spec

clean:
	rm -rf build dist .mypy_cache .ruff_cache .pytest_cache
