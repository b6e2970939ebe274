# ipcity — two commands for a newcomer: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .make-stamps
HOST ?= 127.0.0.1
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run install setup demo test test-unit test-browser check lint typecheck migrations-check bench clean

## make run: set up, load the plan + reference + demo data into SQLite (var/), serve on http://127.0.0.1:8000
## with one background worker beside the web server (Ctrl-C stops both)
run: demo
	HOST=$(HOST) PORT=$(PORT) scripts/run.sh

## make install: virtualenv, pinned Python and front-end packages, collected static files
install: $(STAMPS)/python $(STAMPS)/static $(STAMPS)/report-deps
	@mkdir -p var
	$(BIN)/ipcity collectstatic --no-input -v 0

## make setup: install, then migrate the configured database (SQLite under var/ by default)
setup: install
	$(BIN)/ipcity migrate --no-input -v 0
	$(BIN)/ipcity jobs migrate

## make demo: set-up, then the plan, the reference data and the demo data set (idempotent)
demo: setup
	$(BIN)/ipcity demo load

$(STAMPS)/python: pyproject.toml
	@mkdir -p $(STAMPS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip>=24"
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

# Debian's pango and fonts-noto-cjk for the white paper's PDF and charts (installed when missing).
$(STAMPS)/report-deps: scripts/ensure-report-deps.sh
	@mkdir -p $(STAMPS)
	scripts/ensure-report-deps.sh
	@touch $@

$(STAMPS)/static: package.json package-lock.json scripts/vendor-static.sh
	@mkdir -p $(STAMPS)
	scripts/vendor-static.sh
	@touch $@

## make test: set-up, static checks, then the whole suite (unit + browser) on SQLite
test: install check test-unit test-browser

test-unit: install
	$(BIN)/pytest -m "not browser" -q

test-browser: install
	scripts/ensure-chromium.sh
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -m browser -q

check: lint typecheck migrations-check

lint: install
	$(BIN)/ruff check ipcity tests bench conftest.py
	$(BIN)/ruff format --check ipcity tests bench conftest.py

typecheck: install
	$(BIN)/mypy ipcity

migrations-check: install
	$(BIN)/ipcity makemigrations --check --dry-run

## make serve: production-like: gunicorn (IPCITY_WEB_WORKERS workers, default from the CPU count) with
## whitenoise, settings from the environment; refuses to start on system check errors (docs/deploy.md)
.PHONY: serve
serve: setup
	@echo "ipcity (gunicorn): http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	$(BIN)/gunicorn -c python:ipcity.gunicorn_conf --bind $(HOST):$(PORT)

## make bench: benchmarks, printed as ratios against baselines measured in the same run
bench: install
	$(BIN)/python -m bench $(BENCH)

clean:
	rm -rf $(VENV) node_modules static/vendor $(STAMPS) var
