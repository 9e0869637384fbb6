# Two commands for a newcomer: `make plan STACK=prod` and `make test`.
# Both create .venv from the pinned requirements on first use (and again when they change).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
STACK ?= prod
# Test workers: three on two cores (measured 77 s, against 84 s with two and 87 s with four),
# because a third of the suite waits on servers, timeouts and lifecycle days rather than computing.
WORKERS ?= 3

.PHONY: plan test test-servers lint bench install policy-pack reference localstack node-packages rgw env-readers chromium

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

plan: $(STAMP)
	$(BIN)/python -m infra.plan --stack $(STACK) $(if $(POLICY_CONFIG),--policy-pack-config $(POLICY_CONFIG)) $(if $(AGAINST),--against $(AGAINST))

# The whole suite. First it makes (once, outside the work tree, reused afterwards) what the
# tests' servers and clients need, so nothing is skipped on a fresh machine.
test: $(STAMP) test-servers
	$(BIN)/python -m pytest -q -n $(WORKERS) --dist loadgroup

test-servers: localstack node-packages rgw env-readers chromium

lint: $(STAMP)
	$(BIN)/ruff check .

# The policy pack with this package's wheel beside it (dist/policy-pack), for
# `pulumi preview --policy-pack dist/policy-pack` or `pulumi policy publish dist/policy-pack`.
policy-pack: $(STAMP)
	$(BIN)/python scripts/policy_bundle.py

# Regenerate every copy of the settings schema (Pulumi.yaml's config block, the settings tables).
reference: $(STAMP)
	$(BIN)/python -m infra.reference

bench: $(STAMP)
	$(BIN)/python benchmarks/plan_bench.py

# LocalStack's own virtualenv for the validator's tests (needs Python >= 3.12).
localstack:
	python3 scripts/localstack_venv.py

# The app's own npm packages (AWS SDK for JavaScript v3, dotenv), pinned in tests/js.
node-packages:
	python3 scripts/node_packages.py

# Ceph's RADOS Gateway (a real S3 engine) for the RGW tests: apt-get installs
# radosgw ceph-mon ceph-osd ceph-common when missing; the tests start and stop the cluster.
rgw:
	python3 scripts/rgw_cluster.py install

# The real readers of `infra.dotenv --format docker` files: the docker CLI and kubectl
# (apt-get, only when the command is missing; no Docker daemon is needed).
env-readers:
	python3 scripts/env_readers.py install

# Debian's Chromium, the headless browser that judges CORS (tests/effect/test_browser_cors.py),
# driven by the pinned playwright-core from node-packages: apt-get install chromium when missing.
chromium:
	python3 scripts/chromium.py install
