# make run        set up everything on a new machine and serve on http://127.0.0.1:5000 (PORT=8000 for another port)
# make test       run the whole test suite (SQLite; PostgreSQL too with TEST_DATABASE_URL)
# make lint       ruff check, ruff format --check and vulture (dead code, at 80% confidence and above)
# make typecheck  mypy on icsdebate/, held to the committed baseline (mypy-baseline.txt), which may only shrink

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PORT ?= 5000
BIN := $(VENV)/bin

.PHONY: run test lint typecheck seed check-quotes bench bench-formats bench-map bench-load clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(BIN)/flask --app app init-db
	$(BIN)/flask --app app seed --if-empty
	$(BIN)/flask --app app run --host 127.0.0.1 --port $(PORT)

seed: $(VENV)/.runtime
	$(BIN)/flask --app app seed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: $(VENV)/.dev node_modules/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/vulture

typecheck: $(VENV)/.dev
	$(BIN)/mypy icsdebate | $(BIN)/mypy-baseline filter --baseline-path mypy-baseline.txt --no-colors

bench: $(VENV)/.dev node_modules/.installed
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/formats.py

bench-formats: $(VENV)/.dev node_modules/.installed
	$(BIN)/python bench/readers.py
	$(BIN)/python bench/formats.py

bench-map: $(VENV)/.dev
	$(BIN)/python bench/map.py

bench-load: $(VENV)/.dev
	$(BIN)/python bench/load.py

check-quotes: $(VENV)/.runtime
	$(BIN)/python ../shared/tools/check_quotes.py seeds

clean:
	rm -rf $(VENV) .pytest_cache node_modules
