#!/usr/bin/env bash
# Writes a `go test -overlay` file for the Wine test harness only: a copy of
# the installed Go's internal/syscall/windows/at_windows.go in which
# Deleteat also falls back to the classic delete when
# NtSetInformationFile(FileDispositionInformationEx) answers
# STATUS_NOT_IMPLEMENTED or STATUS_INVALID_DEVICE_REQUEST ("Invalid
# function"), as Wine 8 does. Without it os.RemoveAll, and so every
# t.TempDir cleanup, fails under Wine 8; real Windows never answers so.
# The copy is generated from $(go env GOROOT) each run, never committed.
# Usage: scripts/windows/removeall-overlay.sh OUTDIR   (prints the overlay JSON path)
set -euo pipefail
out="$1"
src="$(go env GOROOT)/src/internal/syscall/windows/at_windows.go"
mkdir -p "$out"
# The fallback case of Deleteat's switch lists STATUS_NOT_SUPPORTED last.
pattern='^\(\s*\)STATUS_NOT_SUPPORTED:\(\s*//.*\)$'
grep -q "$pattern" "$src" || { echo "removeall-overlay: $src has no 'STATUS_NOT_SUPPORTED:' case; update scripts/windows/removeall-overlay.sh for this Go" >&2; exit 1; }
sed "s|$pattern|\1STATUS_NOT_SUPPORTED, NTStatus(0xC0000002), NTStatus(0xC0000010): // Wine 8: not implemented / invalid function\n\1\2|" "$src" >"$out/at_windows.go"
cmp -s "$src" "$out/at_windows.go" && { echo "removeall-overlay: sed changed nothing" >&2; exit 1; }
printf '{"Replace":{"%s":"%s"}}\n' "$src" "$out/at_windows.go" >"$out/overlay.json"
echo "$out/overlay.json"
