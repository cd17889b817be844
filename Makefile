# The two commands a fresh machine needs: `make run` and `make test`. Both install what is missing.
export PATH := /opt/swift/usr/bin:$(PATH)
SWIFT ?= swift
TORTURE := .build/debug/torture

.PHONY: deps build run test bench clean

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

clean:
	rm -rf .build
	find reports -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
