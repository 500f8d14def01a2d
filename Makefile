# NextMile: the two set-up commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Real services for tests, CI and docker-compose; override from the environment.
TEST_DATABASE_URL ?= postgres://nextmile:nextmile@127.0.0.1:5432/nextmile
TEST_BROKER_URL ?= redis://127.0.0.1:6379/0
# The load benchmark drops and recreates this database.
LOAD_DATABASE_URL ?= postgres://nextmile:nextmile@127.0.0.1:5432/nextmile_loadbench
# The suite runs in one pytest process per core (pytest-xdist; each has its own database,
# broker database and worker logs), then the tests that time real workers one at a time.
TEST_PROCESSES ?= 2
TEST_ENV := DJANGO_SETTINGS_MODULE=nextmile.settings.test DATABASE_URL=$(TEST_DATABASE_URL) \
	CELERY_BROKER_URL=$(TEST_BROKER_URL) CACHE_URL=locmemcache://tests

.PHONY: install run test lint format bench bench-load check clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

# Node tools the tests run on the schema (openapi-typescript): for tests only, so `make run`
# needs no Node.
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package-lock.json
	bash scripts/node_tools.sh
	touch $(NODE_STAMP)

install: $(STAMP) $(NODE_STAMP)

## Run the app with demo data: SQLite under var/, an embedded broker, web + a real worker.
run: $(STAMP)
	bash scripts/run.sh

## The whole suite against real PostgreSQL, Redis, a real worker and Chromium.
test: $(STAMP) $(NODE_STAMP)
	bash scripts/services.sh
	$(TEST_ENV) $(BIN)/python manage.py check
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(BIN)/python manage.py spectacular --validate --fail-on-warn --file /dev/null
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(TEST_ENV) $(BIN)/python -m pytest -n $(TEST_PROCESSES) --dist load -m "not benchmark and not worker" $(PYTEST_ARGS)
	NEXTMILE_TEST_RUN=1 $(TEST_ENV) $(BIN)/python -m pytest -m "not benchmark and worker" $(PYTEST_ARGS)

check: $(STAMP)
	DJANGO_SETTINGS_MODULE=nextmile.settings.production SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	ALLOWED_HOSTS=nextmile.example DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/lint-imports

## Benchmarks (not tests): solver on public instances, station days; see docs/benchmarks.md.
bench: $(STAMP)
	bash scripts/bench.sh

## Load (not a test): 200 drivers and their dispatchers against gunicorn and PostgreSQL.
bench-load: $(STAMP)
	bash scripts/services.sh
	$(BIN)/python bench/load_bench.py --database-url $(LOAD_DATABASE_URL) \
		--redis-url $(TEST_BROKER_URL) $(LOAD_ARGS)

clean:
	rm -rf var/ staticfiles/ test-artifacts/ .pytest_cache/
