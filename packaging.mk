# Packages for Windows, Debian/Ubuntu and macOS, and the Wine test stage;
# included by the Makefile. Everything but macOS builds on Linux with
# Debian packages (deps-test): mingw-w64, Wine, wixl and msitools.

FYNE := $(TOOLS)/fyne
FYNE_TOOLS_VERSION := v1.7.4

.PHONY: fyne-tool windows installer-windows test-windows screenshots-windows deb package-macos

fyne-tool:
	@test -x $(FYNE) || GOBIN=$(TOOLS) $(GO) install fyne.io/tools/cmd/fyne@$(FYNE_TOOLS_VERSION)

## windows: dist/windows/alprdesk.exe (GUI, icon, version, DPI manifest) and alprstore.exe
windows: deps-test fyne-tool
	FYNE=$(FYNE) ./scripts/windows-build.sh '$(TAGS)'

## installer-windows: dist/windows/alprdesk-VERSION.msi (per machine, STORE_URL and CA_FILE)
installer-windows: windows
	./scripts/windows-installer.sh

## test-windows: the Windows programs, installer and test binaries under Wine (part of make test)
test-windows: deps-test fyne-tool
	FYNE=$(FYNE) ./scripts/test-windows.sh '$(TEST_TAGS)'

## screenshots-windows: login, results and timeline of alprdesk.exe under Wine (screenshots/windows/)
screenshots-windows: windows
	BASEMAP=$(abspath $(BASEMAP)) ./scripts/screenshots-windows.sh

## deb: dist/alprdesk_VERSION_ARCH.deb (desktop entry, icon, /etc/alprdesk/alprdesk.conf)
deb: deps
	./scripts/deb.sh '$(TAGS)'

## package-macos: dist/alprdesk.app with fyne package (run on a Mac; untested)
package-macos: fyne-tool
	cp FyneApp.toml FyneApp.toml.keep
	$(FYNE) package -os darwin --src cmd/alprdesk --icon $(CURDIR)/assets/icon.png --tags '$(TAGS)' --release; \
	  rc=$$?; mv FyneApp.toml.keep FyneApp.toml; exit $$rc
	mkdir -p dist && rm -rf dist/alprdesk.app && mv alprdesk.app dist/
