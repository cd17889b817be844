# The two commands a fresh machine needs: `make run` and `make test`. Both install what is missing.
export PATH := /opt/swift/usr/bin:$(PATH)
SWIFT ?= swift
TORTURE := .build/debug/torture

.PHONY: deps build run test bench clean report-screenshot soak-rss

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

run: build
	$(TORTURE) run race-claim --workers 64

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

bench: deps
	$(SWIFT) build -c release --product torture-bench
	.build/release/torture-bench

# Headless Chromium screenshots of a run's and a soak's index.html (installs chromium if missing).
report-screenshot: build
	scripts/report-screenshot.sh reports/screenshots

# Resident memory over a 20-minute soak, sampled every 10 s into reports/soak-rss.csv.
soak-rss: build
	scripts/soak-rss.sh 20m 10 reports/soak-rss.csv

clean:
	rm -rf .build
	find reports -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
