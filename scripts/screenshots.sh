#!/usr/bin/env bash
# Runs the real alprdesk window in demo mode under Xvfb, drives it with
# xdotool through login, case context, a partial-plate search, photo
# verification and the timeline, and saves a PNG of each screen in
# screenshots/ (gitignored). Needs xvfb, xdotool and imagemagick (make deps).
# Usage: scripts/screenshots.sh [display]
set -euo pipefail
cd "$(dirname "$0")/.."
disp="${1:-:99}"
out=screenshots
mkdir -p bin "$out"
rm -f "$out"/*.png
go build -tags sqlite_fts5 -o bin/alprdesk ./cmd/alprdesk

home=$(mktemp -d)   # a throwaway home: no remembered login, no cache of the user's
cleanup() {
  [ -n "${app:-}" ] && kill "$app" 2>/dev/null || true
  [ -n "${xvfb:-}" ] && kill "$xvfb" 2>/dev/null || true
  rm -rf "$home"
}
trap cleanup EXIT

Xvfb "$disp" -screen 0 1366x768x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
sleep 1
export DISPLAY="$disp"
HOME="$home" XDG_CACHE_HOME="$home/.cache" XDG_CONFIG_HOME="$home/.config" \
  ./bin/alprdesk --demo >"$out/alprdesk.log" 2>&1 &
app=$!

# wait for the window
win=""
for _ in $(seq 1 120); do
  win=$(xdotool search --name '^alprdesk' 2>/dev/null | head -1 || true)
  [ -n "$win" ] && break
  sleep 0.5
done
[ -n "$win" ] || { echo "no alprdesk window; log:"; cat "$out/alprdesk.log"; exit 1; }
xdotool windowactivate --sync "$win" 2>/dev/null || true
xdotool windowsize --sync "$win" 1366 740 2>/dev/null || true
xdotool windowmove "$win" 0 0 2>/dev/null || true
sleep 2

shot() { sleep "${2:-1}"; import -window root "$out/$1.png"; echo "saved $out/$1.png"; }
key() { xdotool key --window "$win" --clearmodifiers "$@"; sleep 0.3; }
typ() { xdotool type --window "$win" --delay 40 "$1"; sleep 0.3; }
# click at a position relative to the window (1366x740 layout)
click() { xdotool mousemove --window "$win" "$1" "$2" click 1; sleep 0.5; }

shot 01-login 1
# The username field has the focus when nothing is remembered.
typ detective; key Tab; typ demo; key Return
shot 02-signed-in 3
# The case bar: report number, category (focus moves with Tab), justification.
typ "26-012345"
shot 03-case-typing 0.5
key Tab; key space; sleep 0.5; key Down; key Down; key Return   # pick a category from the list
key Tab; typ "Armed robbery at 73rd Ave and International Blvd; suspect vehicle silver sedan"
shot 04-case-valid 0.5
key Return
shot 05-case-set 1
# Quick lookup: Ctrl+L, a partial plate, Enter.
key ctrl+l; typ "7*"; key Return
shot 06-too-broad 2
key ctrl+l; key ctrl+a; typ "${SCREENSHOT_PLATE:-6*}"; key Return
shot 07-results 3
key 1
shot 08-confirmed 2
key Down
shot 09-next-read 2
key ctrl+t
shot 10-timeline 5
echo "screenshots in $out/"
