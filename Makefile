# Conóceles: every command a developer, CI or an operator needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ENV    ?= staging

.PHONY: help install run test test-unit system-packages-test system-packages-bench lint format migrate backup restore bench up down stack clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install the project with its development tools

run: $(STAMP)  ## start the whole system (embedded PostgreSQL/Redis unless DATABASE_URL/REDIS_URL are set)
	$(BIN)/python -m launcher run

migrate: $(STAMP)  ## apply database migrations and load the catalogs
	$(BIN)/python -m launcher migrate

# DATABASE_URL (or `make run`'s embedded PostgreSQL) and CONOCELES_MEDIA_DIR (or .data/media); docs/operations.md.
backup: $(STAMP)  ## dated backup (pg_dump + media) into backups/ (or DEST=folder)
	$(BIN)/python -m launcher backup $(DEST)

restore: $(STAMP)  ## restore FROM=backups/conoceles-… (default: the newest in backups/) into DATABASE_URL and the media folder
	$(BIN)/python -m launcher restore $(FROM)

# Chromium, docker-compose, apache2…: installed with apt-get when root on Debian, otherwise the command to run.
system-packages-test system-packages-bench:
	@scripts/system-packages.sh $(@:system-packages-%=%)

test: system-packages-test $(STAMP)  ## install what is missing (Chromium, docker-compose, apache2), then run every test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-unit: $(STAMP)  ## only tests/unit/: fast, no servers, no system packages
	$(BIN)/python -m pytest tests/unit $(PYTEST_ARGS)

lint: $(STAMP)  ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy services gateway launcher

format: $(STAMP)  ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: system-packages-bench $(STAMP)  ## install wrk and apache2 if missing, measure the budgets of docs/design.md and print tables
	$(BIN)/python -m bench
	$(BIN)/python -m bench.capture

# Secrets come from the environment, or from deploy/secrets.env when it exists (never committed).
# PROFILES=replica adds the PostgreSQL streaming replica (set PUBLICO_READ_HOST=postgres-replica for publico to use it).
COMPOSE := docker compose --env-file deploy/$(ENV).env $(if $(wildcard deploy/secrets.env),--env-file deploy/secrets.env) $(foreach p,$(PROFILES),--profile $(p)) -f compose.yaml

up:  ## start compose for ENV=staging|production (deploy/$(ENV).env, secrets from the environment or deploy/secrets.env)
	$(COMPOSE) up -d --build

down:  ## stop compose
	$(COMPOSE) down

stack: $(STAMP)  ## write stack.yaml, compose.yaml as a Docker Swarm stack (docker stack deploy -c stack.yaml conoceles)
	$(BIN)/python -m launcher.stack $(if $(filter replica,$(PROFILES)),--replica) > stack.yaml

clean:  ## remove the virtualenv and the local data folder
	rm -rf $(VENV) .data
