# make demo: set up and serve the demo on http://127.0.0.1:8000 (PORT overrides)
# make test: set up and run the whole suite (lint, migrations check, SQLite and PostgreSQL)
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/qudao
PYTEST_ARGS ?=
# Parallel test workers (pytest-xdist): the PostgreSQL half waits on the server, so one more.
SQLITE_WORKERS ?= 2
PG_WORKERS ?= 3

.PHONY: install demo serve test test-sqlite test-postgres lint messages clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: install
	$(VENV)/bin/qudao demo

serve: install
	$(VENV)/bin/qudao serve

lint: install
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run

test: lint test-sqlite test-postgres

test-sqlite: install
	env -u DATABASE_URL $(PY) -m pytest -p no:cacheprovider -n $(SQLITE_WORKERS) $(PYTEST_ARGS)

test-postgres: install
	DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest -p no:cacheprovider -n $(PG_WORKERS) $(PYTEST_ARGS)

messages: install
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=tests
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

clean:
	rm -rf $(VENV) var *.sqlite3
