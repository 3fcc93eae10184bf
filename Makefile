# Klagebro: every routine act is a target. `make run` and `make test` work on a fresh machine:
# they install the system packages they need (Debian/Ubuntu, apt-get) before building.

SWIFT      ?= swift
HOST       ?= 127.0.0.1
PORT       ?= 8080
DATA       ?= data
SHARED     ?= ../shared
APT_PACKAGES := libssl-dev libsqlite3-dev openssl sqlite3 curl python3
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build release run test test-unit conformance conformance-http conformance-jsts \
        conformance-http-all bench bench-validate fuzz fuzz-http fuzz-json walkthrough crash-test schemathesis clean

all: build

# Install what is missing (only then is apt-get called).
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# Serves on $(HOST):$(PORT) with the data directory $(DATA) (created if missing), in development
# mode: the built-in registry's synthetic organisation numbers and synthetic identity numbers pass.
run: release
	.build/release/klagebro serve --host $(HOST) --port $(PORT) --data $(DATA) --development

# Every test: unit and in-process tests, then the conformance suites against the built binaries,
# then the crash test (about 20-30 s).
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-swift-testing
	$(MAKE) --no-print-directory conformance
	$(MAKE) --no-print-directory crash-test

test-unit: deps
	$(SWIFT) test --disable-swift-testing

conformance: conformance-http conformance-jsts

# The must-pass HTTP/1.1 probe cases against klagebro-echo, plain and TLS.
conformance-http:
	SHARED_DIR=$(SHARED) Tests/Scripts/conformance-http.sh .build/debug

# All 200 probe cases, for the record (warnings and discussable failures are expected).
conformance-http-all:
	PROBE_SCOPE=all SHARED_DIR=$(SHARED) Tests/Scripts/conformance-http.sh .build/debug || true

# The JSON-Schema-Test-Suite, draft 2020-12, required tests, through `klagebro validate`.
conformance-jsts:
	KLAGEBRO_BIN=.build/debug/klagebro python3 $(SHARED)/conformance/run_jsts.py \
	  --cmd Tests/Conformance/jsts-validate --scope required

# HTTP load and the exchange's durable submission and status reads beside the peers, then
# 10 000 idle connections and slowloris.
bench: release
	Tests/Scripts/bench-http.sh
	Tests/Scripts/bench-exchange.sh
	python3 Tests/Scripts/bench-connections.py idle .build/release/klagebro
	python3 Tests/Scripts/bench-connections.py slowloris .build/release/klagebro

bench-validate: release
	Tests/Scripts/bench-validate.sh

fuzz: fuzz-http fuzz-json

fuzz-http:
	Tests/Scripts/fuzz-http.sh

fuzz-json:
	Tests/Scripts/fuzz-json.sh

# The exchange end to end with curl against a live server (its own temporary data directory).
walkthrough: release
	sh Tests/Scripts/api-walkthrough.sh .build/release/klagebro

# SIGKILL the server 20 times under a load of transfers and document uploads, restarting it each
# time; every acknowledged submission must be there, byte-identical, and the database sound.
crash-test: deps
	$(SWIFT) build --product klagebro
	python3 Tests/Scripts/crash-test.py .build/debug/klagebro

# Schemathesis (pip-installed into .build-schemathesis/ on first use, so it needs PyPI; not part
# of `make test`) against the served OpenAPI document, once per role: no 5xx, every response as
# documented. 3-4 minutes. MAX_EXAMPLES and SEED (environment) as in the script.
schemathesis: deps
	$(SWIFT) build --product klagebro
	Tests/Scripts/schemathesis.sh .build/debug/klagebro

clean:
	rm -rf .build .build-*
