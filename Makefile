# The project's verbs. `make run` and `make test` are the two commands a new
# machine needs; both start with `make setup`, which is quick the second time.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Local development defaults; the environment wins where it sets them.
RUN_ENV := DEBUG=$${DEBUG-1}
# `make run PORT=8001` serves on another port.
PORT ?= 8000
TEST_ENV := SECRET_KEY=$${SECRET_KEY-test-only-not-secret} HTTPS=0 DEBUG=0 \
	PLAYWRIGHT_BROWSERS_PATH=0

.PHONY: setup run serve test test-fast lint format migrations-check messages bench bench-load worker beat browser clean

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip==25.3"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-c requirements.lock -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

# Collected (and compressed) static files, as WhiteNoise serves them with
# DEBUG off; the test suite runs that way.
staticfiles/.collected: $(VENV)/.installed node_modules/.installed $(shell find static */static -type f 2>/dev/null)
	$(TEST_ENV) $(BIN)/python manage.py collectstatic --noinput -v0 -i scss -i "*.md"
	touch $@

run: setup
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py load_reference
	$(RUN_ENV) $(BIN)/python manage.py seed_demo
	@echo ""
	@echo "The portal runs on http://127.0.0.1:$(PORT)/ (admin: /admin/). Stop it with Ctrl-C."
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The portal as in production: gunicorn with DEBUG off, static files
# collected for WhiteNoise. Settings come from the environment (see README,
# "Running in production"); it refuses to start without SECRET_KEY and
# ALLOWED_HOSTS. Migrations are a separate deploy step.
serve: setup staticfiles/.collected
	$(BIN)/gunicorn --config python:fmkrollout.gunicorn_conf

browser:
	@bash scripts/ensure-chromium.sh

test: setup browser staticfiles/.collected
	$(TEST_ENV) $(BIN)/python -m pytest $(ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: setup
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

# Update the Danish catalogues after changing visible strings: each app
# with a locale/ folder gets its own, the rest goes to locale/. Translate
# the new entries in the .po files, then run `make messages` again.
messages: setup
	$(RUN_ENV) $(BIN)/python manage.py makemessages -l da --no-obsolete --no-location \
		--ignore=node_modules --ignore=.venv --ignore=staticfiles --ignore=tests --ignore=benchmarks
	$(RUN_ENV) $(BIN)/python manage.py compilemessages -l da --ignore=node_modules --ignore=.venv

bench: setup staticfiles/.collected
	$(TEST_ENV) $(BIN)/python benchmarks/run.py

# The pages under load through gunicorn on PostgreSQL (loopback only); the
# database named here is dropped and recreated.
bench-load: setup staticfiles/.collected
	DATABASE_URL=$${DATABASE_URL-postgres://postgres@127.0.0.1:5432/fmkrollout_bench} \
		$(BIN)/python benchmarks/load_pages.py

worker: setup
	$(BIN)/celery -A fmkrollout worker --loglevel=info --concurrency=2

beat: setup
	$(BIN)/celery -A fmkrollout beat --loglevel=info

clean:
	rm -rf $(VENV) node_modules staticfiles var/*.sqlite3
