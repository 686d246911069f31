#!/usr/bin/env bash
# Screenshots of the Windows build: dist/windows/alprdesk.exe --demo under
# Wine on Xvfb, driven by scripts/windows/desk.sh; login, results and
# timeline PNGs in screenshots/windows/ (gitignored). Run `make windows`
# first (make screenshots-windows does).
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "screenshots-windows: FAIL: $*" >&2; exit 1; }
[ -f dist/windows/alprdesk.exe ] || fail "no dist/windows/alprdesk.exe (make windows)"
work=$(mktemp -d "${TMPDIR:-/tmp}/alprdesk-wine-shots.XXXXXX")
source scripts/windows/wine-env.sh
trap 'wine_down; rm -rf "$work"' EXIT
out=screenshots/windows
mkdir -p "$out"
rm -f "$out"/*.png
wine_up "$work"
scripts/windows/desk.sh screenshots "$work" "$WINE" "$work/shots"
for s in login results timeline; do cp "$work/shots/$s.png" "$out/$s.png"; done
ls -l "$out"
