# The two commands of the README: `make run` and `make test`.
VENV ?= .venv
BIN := $(VENV)/bin
BIND ?= 127.0.0.1:8000
PYTEST_ARGS ?=

.PHONY: run test screenshots install install-test lint format clean

$(BIN)/python:
	"$$(sh scripts/find-python)" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## run: install, migrate the embedded SQLite database, load the demo, serve on http://$(BIND) with the mail worker
run: install
	$(BIN)/kiosque migrate --no-input
	$(BIN)/kiosque demo
	$(BIN)/kiosque devserver --bind $(BIND)

## test: install the test dependencies and run the whole suite
test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## screenshots: refresh docs/screenshots/ from the journey test (`make test` writes var/screenshots/)
screenshots: install-test
	KIOSQUE_DOCS_SCREENSHOTS=1 $(BIN)/python -m pytest tests/journey/test_journey.py $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var
