# The two commands a fresh machine needs: `make run` and `make test`. Both install what is missing.
export PATH := /opt/swift/usr/bin:$(PATH)
SHELL := /bin/bash
SWIFT ?= swift
TORTURE := .build/debug/torture

.PHONY: deps build run test bench bench-postgres bench-scale clean report-screenshot soak-rss

deps:
	@scripts/install-deps.sh
	@scripts/python-env.sh

build: deps
	$(SWIFT) build

run: build
	$(TORTURE) run race-claim --workers 64

# The PostgreSQL tests (the Python SDK's, then Swift's) run against a throwaway cluster
# (scripts/pg-cluster.sh), stopped and removed however the tests end. If it cannot start, the
# target fails: nothing is skipped.
test: deps
	$(SWIFT) build --build-tests
	@set -e; url="$$(scripts/pg-cluster.sh start)"; trap 'scripts/pg-cluster.sh stop' EXIT INT TERM; \
	echo "PostgreSQL for the tests: $$url"; \
	echo "sdk/python: the Python SDK, and the example handlers through it"; \
	TORTURE_TEST_DATABASE_URL="$$url" .venv/bin/python -m unittest discover -s sdk/python -p 'test_*.py'; \
	TORTURE_TEST_DATABASE_URL="$$url" $(SWIFT) test --skip-build
	@echo "Examples/: TortureKit's public API from outside the module"
	$(SWIFT) test --package-path Examples

# Ratios measured in one process, alternating rounds (the machine is noisy): the harness vs a plain
# loop, the simulation, a Python handler child vs YAML steps. `torture-bench handler` runs one section.
bench: deps
	$(SWIFT) build -c release --product torture-bench
	.build/release/torture-bench

# The harness against pgbench on the same server, SQL, clients and duration; then the wire proxy
# vs `wire: direct` for a psycopg handler (a throwaway cluster unless TORTURE_DATABASE_URL is set).
bench-postgres: deps
	$(SWIFT) build -c release --product torture
	scripts/bench-postgres.sh

# Peak RSS, wall time and deliveries/s for 10 k, 100 k and 1 M messages at 64 workers on SQLite
# (and 100 k on PostgreSQL when TORTURE_DATABASE_URL is set), each size a process of its own.
bench-scale: deps
	scripts/bench-scale.sh

# Headless Chromium screenshots of a run's and a soak's index.html (installs chromium if missing).
report-screenshot: build
	scripts/report-screenshot.sh reports/screenshots

# Resident memory over a 20-minute soak, sampled every 10 s into reports/soak-rss.csv.
soak-rss: build
	scripts/soak-rss.sh 20m 10 reports/soak-rss.csv

clean:
	rm -rf .build
	find reports -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
