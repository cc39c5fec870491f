# Two commands on a fresh machine: `make demo` and `make test`. Everything else is a step of them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
UV := $(shell command -v uv 2>/dev/null || echo $(VENV)/bin/uv)
HOST ?= 127.0.0.1
PORT ?= 8000
# The address every link the demo makes points at (e-mails, invites, webcal, printed logins):
# `make demo PORT=8100` links to :8100. A server listening on all interfaces is linked as
# 127.0.0.1.
SITE_URL ?= http://$(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST)):$(PORT)

.PHONY: help setup system-deps venv node messages migrate demo serve test test-fast lint format bench clean

help:
	@echo "make demo   - set up, load demo content and run the site + task worker on http://$(HOST):$(PORT)"
	@echo "make test   - set up and run the whole test suite"
	@echo "make setup  - virtualenv from the lock, browser tools, compiled translations"
	@echo "make lint   - ruff check and ruff format --check"
	@echo "make bench  - benchmarks (ratios against a baseline measured in the same run)"

system-deps:
	@bash .ci/system-deps.sh

$(VENV)/.synced: requirements-dev.lock requirements.lock
	@test -x $(PY) || { command -v uv >/dev/null 2>&1 && uv venv -q --python python3 $(VENV) || python3 -m venv $(VENV); }
	@test -x $(UV) || $(PY) -m pip install -q uv
	@VIRTUAL_ENV=$(VENV) UV_PYTHON_DOWNLOADS=never $(UV) pip sync -q --python $(PY) requirements-dev.lock
	@touch $@

venv: $(VENV)/.synced

node_modules/.installed: package.json package-lock.json
	@npm ci --no-audit --no-fund --silent
	@touch $@

node: node_modules/.installed

# Compiled only when a catalogue changed: two test runs started together (.ci/run) never
# rewrite a .mo file the other is reading.
MO := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

locale/%.mo: locale/%.po | venv
	@msgfmt --check-format -o $@.$$$$.tmp $< && mv $@.$$$$.tmp $@

messages: $(MO)

setup: system-deps venv node messages

migrate: setup
	@DEBUG=1 $(PY) manage.py migrate -v0

demo: migrate
	@DEBUG=1 $(PY) manage.py setup_schedules -v0
	@DEBUG=1 SITE_URL=$(SITE_URL) $(PY) manage.py load_demo
	@DEBUG=1 $(PY) manage.py collectstatic --noinput -v0
	@DEBUG=1 HOST=$(HOST) PORT=$(PORT) SITE_URL=$(SITE_URL) $(PY) -m conference.devserver

test: setup
	@TESTING=1 DJANGO_SETTINGS_MODULE=conference.test_settings $(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@$(VENV)/bin/lint-imports

format: venv
	@$(VENV)/bin/ruff check --fix .
	@$(VENV)/bin/ruff format .

bench: setup
	@TESTING=1 $(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache
