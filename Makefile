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

.PHONY: help setup system-deps venv node messages migrate demo serve test test-dates test-fast lint format bench clean

help:
	@echo "make demo   - set up, load demo content and run the site + task worker on http://$(HOST):$(PORT)"
	@echo "make test   - set up and run the whole test suite"
	@echo "make test-dates - the date-sensitive tests again on 31 December and 29 February (faketime)"
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

# The tests whose dates are relative to today (event days, "today in the event's zone",
# registration windows, calendars, retention months, admin wall times), run again with the
# clock set by Debian's faketime: 22:00 UTC on 31 December (already 1 January east of
# UTC+02:00; events a month ahead) and 10:00 on 31 December (an event happening today spans
# the new year), and noon on 29 February. The whole suite passes on these dates too; CI runs
# only these modules under faketime, for time.
DATE_TESTS ?= tests/cms/test_admin_timezones.py tests/cms/test_event_page.py \
	tests/cms/test_index.py tests/cms/test_calendar.py \
	tests/registration/messaging/test_calendar_ics.py \
	tests/registration/checkin/test_checkin_services.py \
	tests/registration/checkin/test_checkin_selectors.py \
	tests/registration/checkin/test_checkin_times.py \
	tests/registration/test_registrations_services.py \
	tests/registration/test_lifecycle_services.py
FAKE_DATES ?= 2026-12-31T22:00:00 2026-12-31T10:00:00 2028-02-29T12:00:00

test-dates: setup
	@command -v faketime >/dev/null || { echo "faketime is missing: make system-deps"; exit 1; }
	@for when in $(FAKE_DATES); do \
	  echo "--- tests with the clock at $$when UTC ---"; \
	  TZ=UTC faketime "$${when/T/ }" env TESTING=1 DJANGO_SETTINGS_MODULE=conference.test_settings \
	    $(PY) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS) $(DATE_TESTS) || exit 1; \
	done

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
