# Two commands do all set-up: `make run` and `make test`. Both create .venv and install
# the pinned dependencies first (again only when a requirements file changes).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run console test lint format bench lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check --quiet --upgrade pip==26.3

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --disable-pip-version-check --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime  ## start the bot (the local console when TELEGRAM_BOT_TOKEN is unset)
	$(BIN)/python bot.py

console: $(VENV)/.runtime  ## always start the local console
	$(BIN)/python bot.py console

test: $(VENV)/.dev  ## lint and type checks, then the whole test suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

format: $(VENV)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.dev  ## the benchmarks in bench/ (not part of make test)
	$(BIN)/python -m bench.throughput
	$(BIN)/python -m bench.register
	$(BIN)/python -m bench.dates
	$(BIN)/python -m bench.guidance
	$(BIN)/python -m bench.nudges
	$(BIN)/python -m bench.adversarial
	$(BIN)/python -m bench.charts
	$(BIN)/python -m bench.scale

lock: $(BIN)/python  ## re-pin requirements*.txt from requirements*.in (needs the network)
	$(BIN)/pip install --disable-pip-version-check --quiet pip-tools==7.6.2
	$(BIN)/pip-compile --quiet --strip-extras --no-header --no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in
	$(BIN)/pip-compile --quiet --strip-extras --no-header --no-emit-index-url --no-emit-find-links -o requirements-dev.txt requirements-dev.in

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
