# The README's commands. Everything runs inside .venv, created on first use.
#   make demo   - install, load the taxonomies and demo data, serve on 127.0.0.1:8000
#   make test   - install with the development tools, run the whole test suite
#   make lint   - ruff check, ruff format --check, the import layers

SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.11 when present, else whatever python3 is (pyproject.toml checks the version).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# The stamps remember that pyproject.toml's dependencies are installed, so a second
# run does not ask pip again until pyproject.toml changes.
RUNTIME_STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev
PIP_INSTALL := $(PY) -m pip install --quiet --disable-pip-version-check

.PHONY: help install install-dev demo test lint format migrate worker beat bench bench-load clean

help:
	@echo "make demo     install, migrate, load taxonomies and demo data, serve on 127.0.0.1:8000"
	@echo "make test     run the whole test suite"
	@echo "make lint     ruff check, ruff format --check, mypy and the import layers"
	@echo "make migrate  apply database migrations"
	@echo "make worker   start a Celery worker (needs REDIS_URL)"
	@echo "make beat     start Celery beat, the periodic scheduler (needs REDIS_URL)"
	@echo "make bench    matching quality (NDCG@10, Recall@10, MRR); search speed with BENCH_DATABASE_URL"
	@echo "make bench-load  50 users on gunicorn, PostgreSQL, Redis and two workers (bench/load/run.py)"

$(PY):
	@test -n "$(PYTHON)" || { echo "Python 3.11 is required (python3.11 or python3)"; exit 1; }
	@echo "Creating $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)

$(RUNTIME_STAMP): pyproject.toml | $(PY)
	@echo "Installing the platform into $(VENV) (first run takes a minute or two)"
	$(PIP_INSTALL) -e .
	@touch $@

$(DEV_STAMP): pyproject.toml | $(PY)
	@echo "Installing the platform and its development tools into $(VENV)"
	$(PIP_INSTALL) -e '.[dev]'
	@touch $@ $(RUNTIME_STAMP)

install: $(RUNTIME_STAMP)

install-dev: $(DEV_STAMP)

migrate: $(RUNTIME_STAMP)
	$(PY) manage.py migrate --noinput

demo: migrate
	@# DEBUG is off by default, so runserver serves no static files: WhiteNoise serves
	@# the collected ones, as in production.
	$(PY) manage.py collectstatic --noinput --verbosity 0
	LOG_LEVEL=WARNING $(PY) manage.py load_taxonomies
	LOG_LEVEL=WARNING $(PY) manage.py seed_demo
	@echo ""
	@echo "Serving on http://127.0.0.1:8000/ - log in with one of the demo accounts above."
	@echo "API: http://127.0.0.1:8000/api/v1/  docs: http://127.0.0.1:8000/api/docs/  (Ctrl-C stops)"
	$(PY) manage.py runserver 127.0.0.1:8000

test: $(DEV_STAMP)
	$(PY) -m pytest -q

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

format: $(DEV_STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

worker: $(RUNTIME_STAMP)
	$(VENV)/bin/celery -A sme_platform worker --loglevel=INFO

beat: $(RUNTIME_STAMP)
	@mkdir -p var
	$(VENV)/bin/celery -A sme_platform beat --loglevel=INFO --schedule var/celerybeat-schedule

# Matching quality on a benchmark built from the shipped taxonomies; the search speed
# benchmark needs an empty PostgreSQL database of its own (BENCH_DATABASE_URL).
bench: $(RUNTIME_STAMP)
	@mkdir -p var
	$(PY) bench/build_quality_set.py --out var/quality.json
	$(PY) manage.py evaluate_matcher var/quality.json
	@if [ -n "$$BENCH_DATABASE_URL" ]; then \
		$(PY) bench/search_speed.py; \
	else \
		echo "Search speed skipped: set BENCH_DATABASE_URL=postgres://... (an empty database)"; \
	fi

# The load test: recreates its own PostgreSQL database (LOAD_DATABASE_URL), uses its own
# Redis database (LOAD_REDIS_URL), starts and stops gunicorn, two workers and beat.
bench-load: $(DEV_STAMP)
	$(PY) bench/load/run.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache *.egg-info
