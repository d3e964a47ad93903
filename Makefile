# Waypoint: `make run` for the app with demo data, `make test` for the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Waypoint's settings are production unless told otherwise; these commands are for
# development on this machine, so they turn development mode on themselves.
export DEBUG := 1
# honcho gives each process its own PORT; every process must agree on the site's address
# (localstripe registers its webhook there), so it is fixed here.
SITE_URL ?= http://127.0.0.1:$(PORT)
# Unless DATABASE_URL is set, `make run` uses the local roles scripts/services.sh makes:
# migrations as the tables' owner, web, worker and beat as the application role, which owns
# nothing and cannot switch off the triggers that guard the audit trail and signed notes.
# (`make test` keeps connecting as postgres: the suite creates its own database.)
ifeq ($(origin DATABASE_URL),undefined)
LOCAL_DATABASE := 127.0.0.1:5432/waypoint
AS_APP := DATABASE_URL=postgres://waypoint_app:waypoint-app-dev@$(LOCAL_DATABASE) \
          MIGRATION_DATABASE_URL=postgres://waypoint_owner:waypoint-owner-dev@$(LOCAL_DATABASE)
endif

.PHONY: run test bench setup services venv browser wrk migrate seed clean

run: setup migrate seed
	@echo ""
	@echo "  Waypoint is starting at  $(SITE_URL)/"
	@echo "  Demo log-ins are printed above (password: waypoint-demo-2026)."
	@echo ""
	$(AS_APP) SITE_URL=$(SITE_URL) $(VENV)/bin/honcho start -f Procfile -p $(PORT)

test: setup browser
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

# The page benchmark: its own database with the demo data, gunicorn with DEBUG off, wrk.
bench: setup wrk
	$(PY) bench/pages.py

setup: venv services

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

services:
	bash scripts/services.sh

browser:
	bash scripts/browser.sh

wrk:
	bash scripts/wrk.sh

migrate:
	$(AS_APP) $(PY) manage.py migrate --noinput

seed:
	$(AS_APP) $(PY) manage.py seed_demo

clean:
	rm -rf $(VENV) node_modules staticfiles
