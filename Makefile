# Blind Relay. `make demo` and `make test` are all a new machine needs (see README.md).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := /opt/swift/usr/bin:$(PATH)

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian packages the build and the tests need; installed only when missing.
BUILD_PACKAGES := libsodium-dev libsqlite3-dev pkg-config
# node-tweetnacl is also what the relay serves for sealing in the browser.
RUN_PACKAGES := node-tweetnacl
# nginx, tor and systemd (systemd-analyze) check deploy/; openssl makes the TLS test's certificate.
TEST_PACKAGES := python3-nacl python3-venv curl chromium chromium-driver wrk nginx tor systemd openssl faketime
VENV := .venv
DEMO := demo
DEMO_PORT ?= 8080
VECTORS := Tests/EnvelopeTests/Vectors

.PHONY: help deps test-deps build test lint vectors check-vectors clean demo demo-submit swift-test live-test fuzz bench bench-smoke release
FUZZ_SECONDS ?= 60
FUZZ_BUILD := .build-fuzz

help:
	@echo "make demo   - build and run a local relay with a throwaway key"
	@echo "make test   - install what the tests need and run every test"
	@echo "make vectors - regenerate the envelope test vectors (docs/FORMAT.md section 9)"
	@echo "make bench  - measure the relay and the chair against the machine's limits"
	@echo "make release - the optimized, statically linked tarball and .deb, in dist/"
	@echo "make fuzz   - run libFuzzer on the envelope parser, the form decoder, the API's numbers and the relay's answers"

deps:
	@$(call install_missing,$(BUILD_PACKAGES) $(RUN_PACKAGES))

test-deps: deps
	@$(call install_missing,$(TEST_PACKAGES))
	@[ -x $(VENV)/bin/python ] || python3 -m venv $(VENV)
	@$(VENV)/bin/pip install --quiet --disable-pip-version-check -r Tests/Live/requirements.txt

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

test: test-deps lint check-vectors swift-test live-test bench-smoke

swift-test:
	swift test --disable-xctest

# Live relays in real headless Chromium and under hostile input; screenshots land in
# .build/browser-artifacts.
live-test:
	swift build
	BLIND_RELAY_BIN="$$(swift build --show-bin-path)" $(VENV)/bin/python -m pytest -q Tests/Live

# Release binaries, one run, one table (docs/PERFORMANCE.md says how to read it). Takes ~10 min.
bench: test-deps
	swift build -c release --product relay
	swift build -c release --product chair
	swift build -c release --product relay-bench
	$(VENV)/bin/python Tests/Bench/bench.py --bin "$$(swift build -c release --show-bin-path)"

# The same steps for a second or two each, on the debug build, so the benchmark cannot rot.
# It checks that everything runs, and nothing about speed.
bench-smoke:
	swift build --product relay-bench
	$(VENV)/bin/python Tests/Bench/bench.py --smoke --bin "$$(swift build --show-bin-path)"

# Optimized, with the Swift runtime linked in: runs on any Debian 12 x86-64 with libsodium23 and
# libsqlite3-0, no toolchain. Its own build folder, so the debug build is left alone.
# Foundation's networking module (the chair describes its requests as URLRequests) links libcurl, which
# stays a shared library; the requests themselves go through AsyncHTTPClient.
RELEASE_BUILD := .build-release
RELEASE_PACKAGES := libcurl4-openssl-dev
release: deps
	@$(call install_missing,$(RELEASE_PACKAGES))
	swift build -c release --static-swift-stdlib --scratch-path $(RELEASE_BUILD) --product relay
	swift build -c release --static-swift-stdlib --scratch-path $(RELEASE_BUILD) --product chair
	python3 packaging/package.py --bin "$$(swift build -c release --scratch-path $(RELEASE_BUILD) --show-bin-path)" --out dist --strip

clean:
	rm -rf .build $(FUZZ_BUILD) $(RELEASE_BUILD) dist

# libFuzzer on the envelope parser, the form decoder, the chair API's numbers and what the chair reads from a
# relay, FUZZ_SECONDS each. A crash is copied
# into Tests/Fuzz/Regressions/, which `make test` replays (FuzzRegressionTests).
fuzz: deps
	swift build --scratch-path $(FUZZ_BUILD) -Xswiftc -sanitize=fuzzer,address --target Envelope
	swift build --scratch-path $(FUZZ_BUILD) -Xswiftc -sanitize=fuzzer,address --target FormDecoding
	swift build --scratch-path $(FUZZ_BUILD) -Xswiftc -sanitize=fuzzer,address --target RelayProtocol
	@set -e; out=$(FUZZ_BUILD)/debug; \
	for target in envelope form api answers; do \
	  case $$target in \
	    envelope) objects="$$out/Envelope.build/*.o $$out/Sodium.build/*.o"; source=EnvelopeFuzzer;; \
	    form) objects="$$out/FormDecoding.build/*.o"; source=FormFuzzer;; \
	    api) objects="$$out/RelayProtocol.build/*.o $$out/Sodium.build/*.o"; source=APIFuzzer;; \
	    answers) objects="$$out/RelayProtocol.build/*.o $$out/Sodium.build/*.o"; source=AnswerFuzzer;; \
	  esac; \
	  swiftc -sanitize=fuzzer,address -parse-as-library Tests/Fuzz/$$source.swift -I $$out/Modules \
	    -Xcc -fmodule-map-file=Sources/CSodium/module.modulemap $$objects -lsodium -o $(FUZZ_BUILD)/fuzz-$$target; \
	  corpus=$(FUZZ_BUILD)/corpus-$$target; mkdir -p $$corpus; \
	  [ $$target = envelope ] && cp Tests/EnvelopeTests/Vectors/* $$corpus/ || true; \
	  echo "fuzzing the $$target parser for $(FUZZ_SECONDS) s"; \
	  if ! SWIFT_BACKTRACE=enable=no $(FUZZ_BUILD)/fuzz-$$target -max_total_time=$(FUZZ_SECONDS) \
	      -artifact_prefix=$(FUZZ_BUILD)/crash-$$target- $$corpus Tests/Fuzz/Regressions/$$target; then \
	    for crash in $(FUZZ_BUILD)/crash-$$target-*; do cp "$$crash" Tests/Fuzz/Regressions/$$target/; done; \
	    echo "fuzz: a crash was found and copied to Tests/Fuzz/Regressions/$$target/"; exit 1; \
	  fi; \
	done

# A relay on localhost sealing to a throwaway identity kept in demo/ (git-ignored).
demo: build
	@bin=$$(swift build --show-bin-path); \
	mkdir -p $(DEMO)/keys && chmod 700 $(DEMO); \
	if [ ! -f $(DEMO)/identity ]; then \
	  umask 077; head -c 18 /dev/urandom | base64 > $(DEMO)/passphrase; \
	  BLIND_RELAY_PASSPHRASE="$$(cat $(DEMO)/passphrase)" $$bin/chair init --identity $(DEMO)/identity; \
	fi; \
	if [ ! -f $(DEMO)/keys/recipients.set ]; then \
	  BLIND_RELAY_PASSPHRASE="$$(cat $(DEMO)/passphrase)" $$bin/chair recipients create --identity $(DEMO)/identity \
	    --name "Demo chair" --set $(DEMO)/keys/recipients.set >/dev/null 2>&1; \
	fi; \
	echo; \
	echo "Blind Relay demo: a relay on http://127.0.0.1:$(DEMO_PORT)/ sealing to a THROWAWAY key in $(DEMO)/"; \
	echo; \
	echo "  1. Open http://127.0.0.1:$(DEMO_PORT)/ and send a message, or, in another terminal:"; \
	echo "       make demo-submit MESSAGE='Hello from the demo'"; \
	echo "  2. In another terminal, read it as the chair:"; \
	echo "       export BLIND_RELAY_IDENTITY=$$PWD/$(DEMO)/identity"; \
	echo "       export BLIND_RELAY_PASSPHRASE=\$$(cat $$PWD/$(DEMO)/passphrase)   # demo only: never do this with a real key"; \
	echo "       $$bin/chair pull --relay http://127.0.0.1:$(DEMO_PORT)"; \
	echo "       $$bin/chair list"; \
	echo "       $$bin/chair read 1"; \
	echo; \
	echo "Stop the relay with Ctrl-C. 'rm -rf $(DEMO)' forgets the demo key and messages."; \
	echo; \
	BLIND_RELAY_KEYS_DIR=$(DEMO)/keys BLIND_RELAY_DATA_DIR=$(DEMO)/data BLIND_RELAY_PORT=$(DEMO_PORT) \
	  BLIND_RELAY_MIN_SECONDS_ON_PAGE=0 BLIND_RELAY_GROUP_NAME="Demo Independent Advisory Group" exec $$bin/relay

# Sends MESSAGE to the demo relay as the form does: fetch the page, send its token back.
MESSAGE ?= Hello from the demo
demo-submit:
	@token=$$(curl -s http://127.0.0.1:$(DEMO_PORT)/ | sed -n 's/.*name="form_token" value="\([^"]*\)".*/\1/p' || true); \
	if [ -z "$$token" ]; then echo "demo-submit: no relay answers on port $(DEMO_PORT); start one with 'make demo'"; exit 1; fi; \
	curl -s --data-urlencode "form_token=$$token" --data-urlencode "message=$(MESSAGE)" \
	  http://127.0.0.1:$(DEMO_PORT)/submit | sed -n 's/.*class="receipt">\([^<]*\)<.*/sent: receipt code \1/p' \
	  | grep . || { echo "demo-submit: the relay did not accept it; is 'make demo' running?"; exit 1; }

# Installs the Debian packages among $(1) that are not installed yet.
define install_missing
missing=""; for p in $(1); do dpkg -s "$$p" >/dev/null 2>&1 || missing="$$missing $$p"; done; \
if [ -n "$$missing" ]; then \
  echo "installing:$$missing"; \
  $(SUDO) apt-get update -qq && \
  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
fi
endef
