# amiplace — the two commands a new user needs:
#   make run    installs what is missing, builds, and serves on http://127.0.0.1:8080
#   make test   installs what is missing, builds, and runs every test suite
# `make build` leaves the one binary at build/amiplace.

SHELL := /bin/bash
BUILD_DIR ?= build
DATA_DIR ?= ./amiplace-data
LISTEN ?= 127.0.0.1:8080
JOBS ?= $(shell nproc)

DEB_PACKAGES := cmake ninja-build ccache g++ pkg-config \
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev \
  libsqlite3-dev libssl-dev libcli11-dev libspdlog-dev libfmt-dev libgtest-dev \
  libxlsxwriter-dev libzip-dev libpugixml-dev \
  sqlite3 openssl wrk jq

# Only the tests need these: Python's openpyxl and LibreOffice save the spreadsheets the Product
# Load Form tests upload; Chromium is the browser the portal tests drive.
TEST_DEB_PACKAGES := python3-openpyxl libreoffice-calc-nogui chromium

# Installs the Debian packages of $(1) that are not installed yet (needs root, as on the
# project's machines).
define install_debs
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

.PHONY: all deps deb-deps test-deb-deps npm-deps web-deps portal-deps build run test unit-test conformance-test portal-test bench clean format

all: build

deps: deb-deps test-deb-deps npm-deps web-deps portal-deps

deb-deps:
	$(call install_debs,$(DEB_PACKAGES))
	@command -v node >/dev/null && command -v npm >/dev/null || (echo "Installing Node.js and npm (Debian packages)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm)
	@command -v aws >/dev/null || (echo "Installing the AWS CLI (Debian package)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq awscli)

test-deb-deps:
	$(call install_debs,$(TEST_DEB_PACKAGES))

# Pinned npm packages for the conformance tests (exact versions in tests/conformance/package-lock.json).
npm-deps: tests/conformance/node_modules/.installed

tests/conformance/node_modules/.installed: tests/conformance/package.json tests/conformance/package-lock.json
	cd tests/conformance && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The portal's pinned front-end libraries (web/package-lock.json), embedded into the binary.
web-deps: web/node_modules/.installed

web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Pinned npm packages for the portal's browser tests (Playwright driving Debian's Chromium).
portal-deps: tests/portal/node_modules/.installed

tests/portal/node_modules/.installed: tests/portal/package.json tests/portal/package-lock.json
	cd tests/portal && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(BUILD_DIR)/build.ninja: CMakeLists.txt
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deb-deps web-deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/amiplace serve --data $(DATA_DIR) --listen $(LISTEN)

unit-test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

conformance-test: build test-deb-deps npm-deps
	cd tests/conformance && AMIPLACE_BIN=$(abspath $(BUILD_DIR))/amiplace node --test --test-concurrency=1 --test-reporter=spec tests/

portal-test: build test-deb-deps portal-deps
	cd tests/portal && AMIPLACE_BIN=$(abspath $(BUILD_DIR))/amiplace node --test --test-concurrency=1 --test-reporter=spec tests/

test: unit-test conformance-test portal-test

bench: build
	bench/run.sh

format:
	find src bench examples -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR)
