# Two commands for a newcomer: `make plan STACK=prod` and `make test`.
# Both create .venv from the pinned requirements on first use (and again when they change).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
STACK ?= prod

.PHONY: plan test lint bench install localstack

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

plan: $(STAMP)
	$(BIN)/python -m infra.plan --stack $(STACK)

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python benchmarks/plan_bench.py

# LocalStack's own virtualenv for the validator's tests (needs Python >= 3.12; .ci/run does this).
localstack:
	python3 scripts/localstack_venv.py
