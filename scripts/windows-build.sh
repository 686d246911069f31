#!/usr/bin/env bash
# Cross-builds the Windows programs into dist/windows/ with mingw-w64:
# alprstore.exe (console) and alprdesk.exe through `fyne package -os
# windows` (GUI subsystem, icon, version information from FyneApp.toml and
# assets/windows/alprdesk.exe.manifest with per-monitor DPI awareness).
# `fyne package` rewrites FyneApp.toml (Build+1) through cmd/alprdesk's
# symlink and leaves its output in cmd/alprdesk: the build puts both back,
# so it never changes a tracked file.
# Usage: scripts/windows-build.sh [TAGS]   (FYNE: the fyne tool, .tools/fyne;
# SKIP_STORE=1 builds alprdesk.exe only)
set -euo pipefail
cd "$(dirname "$0")/.."
tags="${1:-sqlite_fts5}"
fyne="${FYNE:-$PWD/.tools/fyne}"
out=dist/windows
export GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc CXX=x86_64-w64-mingw32-g++
mkdir -p "$out"

version=$(sed -n 's/^ *Version *= *"\([0-9.]*\)".*/\1/p' FyneApp.toml)
build=$(sed -n 's/^ *Build *= *\([0-9]*\).*/\1/p' FyneApp.toml)
[ -n "$version" ] && [ -n "$build" ] || { echo "windows-build: no Version/Build in FyneApp.toml" >&2; exit 1; }

# The two builds run side by side: each spends most of a cold build in one
# single-threaded C compile (SQLite; GLFW), and fyne's release C flags
# differ from go build's, so they share no cgo work anyway.
if [ -z "${SKIP_STORE:-}" ]; then
  go build -tags "$tags" -trimpath -ldflags "-s -w" -o "$out/alprstore.exe" ./cmd/alprstore &
  store=$!
fi

keep=$(mktemp -d)
cp FyneApp.toml "$keep/"
manifest=cmd/alprdesk/alprdesk.exe.manifest
restore() {
  cmp -s "$keep/FyneApp.toml" FyneApp.toml || cp "$keep/FyneApp.toml" FyneApp.toml
  rm -rf "$keep" "$manifest" cmd/alprdesk/alprdesk.exe cmd/alprdesk/fyne.syso cmd/alprdesk/FyneApp.ico cmd/alprdesk/fyne_metadata_init.go
}
trap restore EXIT
sed "s/@VERSION@/$version.$build/" assets/windows/alprdesk.exe.manifest >"$manifest"
"$fyne" package -os windows --src cmd/alprdesk --icon "$PWD/assets/icon.png" --tags "$tags" --release
mv cmd/alprdesk/alprdesk.exe "$out/alprdesk.exe"
if [ -n "${store:-}" ]; then wait "$store"; fi
ls -l "$out"
