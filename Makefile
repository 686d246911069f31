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
export LANG ?= en_US.UTF-8
export CGO_ENABLED := 1

DEBIAN_PKGS := gcc libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev \
	libxinerama-dev libxi-dev libxxf86vm-dev pkg-config \
	dbus dbus-x11 gnome-keyring xvfb xdotool imagemagick

.PHONY: deps build run run-store test lint bench bench-10m screenshots package clean

## deps: install the Debian packages and Go tools that build and tests need (idempotent)
deps:
	@./scripts/deps.sh $(DEBIAN_PKGS)
	@$(GO) mod download
	@test -x $(TOOLS)/staticcheck || GOBIN=$(TOOLS) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

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

## screenshots: the real window under Xvfb, driven by xdotool; PNGs in screenshots/
screenshots: deps
	BASEMAP=$(BASEMAP) ./scripts/screenshots.sh

## package: Linux package (fyne.io/tools v1.7.4) from the root FyneApp.toml and assets/icon.png
package: deps
	@test -x $(TOOLS)/fyne || GOBIN=$(TOOLS) $(GO) install fyne.io/tools/cmd/fyne@v1.7.4
	mkdir -p dist
	$(TOOLS)/fyne package -os linux --src cmd/alprdesk --icon $(CURDIR)/assets/icon.png --tags '$(TAGS)' --release
	mv alprdesk.tar.xz dist/

## lint: go vet and staticcheck
lint:
	$(GO) vet -tags '$(TEST_TAGS)' ./...
	$(TOOLS)/staticcheck -tags '$(TEST_TAGS)' ./...

## test: lint, then every test (race detector where concurrency lives; real keyring)
test: deps lint
	./scripts/test.sh '$(TEST_TAGS)' '$(RACE_PKGS)'

## bench: every benchmark; the store's at 1M reads (figures in docs/PERFORMANCE.md)
bench: deps
	$(GO) test -tags '$(TAGS)' -run '^$$' -bench . -benchtime 200x -timeout 60m ./store/...
	$(GO) test -tags '$(TEST_TAGS)' -run '^$$' -bench . -timeout 30m ./api/... ./mapview/... ./ui/...
	$(GO) test -tags '$(TAGS)' -run '^$$' -bench DemoStart -benchtime 3x ./cmd/alprstore/

## bench-10m: the same at 10M reads (manual: about 3 GB of disk, tens of minutes)
bench-10m: deps
	ALPR_BENCH_READS=10000000 $(GO) test -tags '$(TAGS)' -run '^$$' -bench . -benchtime 200x -timeout 180m ./store/...

clean:
	rm -rf bin dist screenshots
