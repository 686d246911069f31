# alprdesk — workstation and store. `make run` and `make test` are the two
# commands a new user needs; everything they need is installed by `deps`.

SHELL := /bin/bash
GO ?= go
# Build tags for every go command, so cgo parts (SQLite) are built once.
TAGS := sqlite_fts5
# Tests also use `ci`, which makes Fyne's app.New headless.
TEST_TAGS := $(TAGS) ci
# Packages with concurrency run under the race detector.
RACE_PKGS := ./store/... ./client/... ./cache/... ./ui/...
BASEMAP ?= ../shared/data/oakland-basemap.geojson.gz
STATICCHECK_VERSION := v0.8.2
TOOLS := $(CURDIR)/.tools
REDOCLY_VERSION := 2.77.0
REDOCLY := $(TOOLS)/redocly/node_modules/.bin/redocly
export LANG ?= en_US.UTF-8
export CGO_ENABLED := 1

DEBIAN_PKGS := gcc libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev \
	libxinerama-dev libxi-dev libxxf86vm-dev pkg-config \
	dbus dbus-x11 gnome-keyring
# The real window under Xvfb, driven by xdotool and shot by ImageMagick
# (make screenshots, the Wine smoke checks); curl, jq and ss read the demo
# store's exercises for the Analyses shots. Not needed by make run.
DEBIAN_SHOT_PKGS := xvfb xdotool imagemagick curl jq iproute2
# Packages only the tests need (make test installs them, make run does not):
# PostgreSQL 15 for the store's PostgreSQL backend tests (scripts/pg-test.sh);
# chromium renders the transparency report's index.html (cmd/alprstore).
DEBIAN_TEST_PKGS := $(DEBIAN_SHOT_PKGS) postgresql chromium
# npm installs the OpenAPI linter; Debian's npm only where no npm is on the
# PATH (a machine with Node.js from elsewhere keeps its own).
NPM_PKG := $(if $(shell command -v npm 2>/dev/null),,npm)

# Windows: mingw-w64, Wine, the MSI tools and osslsigncode (scripts/test-windows.sh).
DEBIAN_TEST_PKGS += gcc-mingw-w64-x86-64 wine wine64 msitools wixl osslsigncode

.PHONY: deps deps-test lint-api build run run-store test lint bench bench-10m bench-30m screenshots package clean

## deps: install the Debian packages and Go tools that build and tests need (idempotent)
deps:
	@./scripts/deps.sh $(DEBIAN_PKGS)
	@$(GO) mod download
	@test -x $(TOOLS)/staticcheck || GOBIN=$(TOOLS) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

## deps-test: also the Debian packages only the tests need (DEBIAN_TEST_PKGS)
## and the OpenAPI linter (npm @redocly/cli, into .tools/redocly)
deps-test: deps
	@./scripts/deps.sh $(DEBIAN_TEST_PKGS) $(NPM_PKG)
	@test -x $(REDOCLY) || npm install --prefix $(TOOLS)/redocly --no-audit --no-fund @redocly/cli@$(REDOCLY_VERSION)

## lint-api: api/openapi.yaml against redocly's recommended rules, warnings as errors
## (deliberate exceptions, with reasons, in .redocly.lint-ignore.yaml)
lint-api:
	$(REDOCLY) lint api/openapi.yaml --extends recommended-strict

## build: binaries into bin/
build:
	@mkdir -p bin
	$(GO) build -tags '$(TAGS)' -o bin/ ./cmd/...

## run: the workstation in demo mode (in-process demo store on loopback, offline basemap)
run: deps build
	./bin/alprdesk --demo --basemap $(BASEMAP)

## run-store: only the demo store, on http://127.0.0.1:8080
run-store: deps build
	./bin/alprstore --demo --basemap $(BASEMAP)

## screenshots: the real window under Xvfb, driven by xdotool; PNGs in screenshots/ (1366x768) and screenshots/1920x1080/
screenshots: deps
	@./scripts/deps.sh $(DEBIAN_SHOT_PKGS)
	BASEMAP=$(BASEMAP) ./scripts/screenshots.sh "" 1366x768
	BASEMAP=$(BASEMAP) OUT=screenshots/1920x1080 ./scripts/screenshots.sh "" 1920x1080

## package: Linux package (fyne.io/tools v1.7.4) from the root FyneApp.toml and assets/icon.png
package: deps
	@test -x $(TOOLS)/fyne || GOBIN=$(TOOLS) $(GO) install fyne.io/tools/cmd/fyne@v1.7.4
	mkdir -p dist
	cp FyneApp.toml FyneApp.toml.keep # fyne package rewrites it (Build+1): a build changes no tracked file
	$(TOOLS)/fyne package -os linux --src cmd/alprdesk --icon $(CURDIR)/assets/icon.png --tags '$(TAGS)' --release; \
	  rc=$$?; mv FyneApp.toml.keep FyneApp.toml; exit $$rc
	mv alprdesk.tar.xz dist/

## lint: go vet and staticcheck
lint:
	$(GO) vet -tags '$(TEST_TAGS)' ./...
	$(TOOLS)/staticcheck -tags '$(TEST_TAGS)' ./...

## test: lint, then every test in timed stages (race detector where concurrency
## lives; real keyring; a throwaway PostgreSQL unless ALPR_TEST_POSTGRES is set)
test: deps deps-test lint-api
	MAKE='$(MAKE)' ./scripts/test.sh '$(TEST_TAGS)' '$(RACE_PKGS)'

# The store's benchmarks run beside a throwaway PostgreSQL cluster: search,
# ingest and analyses on both backends, side by side (ALPR_BENCH_POSTGRES);
# the benchmarks built on storetest stay on SQLite.
STORE_BENCH = ./scripts/pg-test.sh sh -c 'ALPR_BENCH_POSTGRES="$$ALPR_TEST_POSTGRES" ALPR_TEST_POSTGRES= ALPR_REQUIRE_POSTGRES= exec "$$@"' --

## bench: every benchmark; the store's at 1M reads on SQLite and PostgreSQL (figures in docs/PERFORMANCE.md)
bench: deps deps-test
	$(STORE_BENCH) $(GO) test -tags '$(TAGS)' -run '^$$' -bench . -benchtime 200x -timeout 120m ./store/...
	$(GO) test -tags '$(TEST_TAGS)' -run '^$$' -bench . -timeout 30m ./api/... ./mapview/... ./ui/...
	$(GO) test -tags '$(TAGS)' -run '^$$' -bench DemoStart -benchtime 3x ./cmd/alprstore/
	$(MAKE) bench-nodes

## bench-nodes: one and two store nodes (processes) on one PostgreSQL under 16 searchers and 200 reads/s, and a node killed mid-load (docs/PERFORMANCE.md)
bench-nodes: deps deps-test
	./scripts/pg-test.sh $(GO) test -tags '$(TAGS)' -run '^$$' -bench Nodes -benchtime 3000x -timeout 30m ./cmd/alprstore/

## bench-10m: the store's benchmarks at 10M reads on both backends (manual: about 3 GB of disk per backend, tens of minutes)
bench-10m: deps deps-test
	ALPR_BENCH_READS=10000000 $(STORE_BENCH) $(GO) test -tags '$(TAGS)' -run '^$$' -bench . -benchtime 200x -timeout 240m ./store/...

## bench-30m: search, ingest and analyses at 30M reads on both backends, the Oakland 30-day volume (manual: about 10 GB per backend, hours)
bench-30m: deps deps-test
	ALPR_BENCH_READS=30000000 $(STORE_BENCH) $(GO) test -tags '$(TAGS)' -run '^$$' -bench 'StorageSearch|HTTPSearch|BulkIngest|Analyses' -benchtime 200x -timeout 600m ./store/

include packaging.mk

clean:
	rm -rf bin dist screenshots
