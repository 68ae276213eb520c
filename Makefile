# Blind Relay. `make demo` and `make test` are all a new machine needs (see README.md).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := /opt/swift/usr/bin:$(PATH)

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian packages the build and the tests need; installed only when missing.
BUILD_PACKAGES := libsodium-dev libsqlite3-dev pkg-config
TEST_PACKAGES := python3-nacl
VECTORS := Tests/EnvelopeTests/Vectors

.PHONY: help deps test-deps build test lint vectors check-vectors clean

help:
	@echo "make demo   - build and run a local relay with a throwaway key"
	@echo "make test   - install what the tests need and run every test"
	@echo "make vectors - regenerate the envelope test vectors (docs/FORMAT.md section 9)"

deps:
	@$(call install_missing,$(BUILD_PACKAGES))

test-deps: deps
	@$(call install_missing,$(TEST_PACKAGES))

build: deps
	swift build

lint:
	swift format lint --strict --recursive Sources Tests Package.swift

# The checked-in vectors must be exactly what the checked-in generator writes.
check-vectors: deps
	swift build --product envelope-vectors
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	  .build/debug/envelope-vectors "$$tmp" >/dev/null && \
	  diff -r "$$tmp" $(VECTORS) && echo "vectors: the generator reproduces all $$(ls $(VECTORS) | wc -l) files"

vectors: deps
	swift build --product envelope-vectors
	rm -f $(VECTORS)/*
	.build/debug/envelope-vectors $(VECTORS)

test: test-deps lint check-vectors
	swift test --disable-xctest

clean:
	rm -rf .build

# Installs the Debian packages among $(1) that are not installed yet.
define install_missing
missing=""; for p in $(1); do dpkg -s "$$p" >/dev/null 2>&1 || missing="$$missing $$p"; done; \
if [ -n "$$missing" ]; then \
  echo "installing:$$missing"; \
  $(SUDO) apt-get update -qq && \
  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
fi
endef
