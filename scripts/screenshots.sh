#!/usr/bin/env bash
# Runs the real alprdesk window in demo mode under Xvfb and drives it from
# the keyboard only (xdotool): sign in, the case bar, a partial-plate
# search, verification (1-4), the timeline (Ctrl+T), the screens by
# Ctrl+1..9, each role's landing screen, sign out and lock; a PNG of each
# step goes to screenshots/ (gitignored).
# Needs xvfb, xdotool and imagemagick (make deps).
# Usage: scripts/screenshots.sh [display] [WIDTHxHEIGHT] (default 1366x768)
set -euo pipefail
cd "$(dirname "$0")/.."
disp="${1:-:99}"
size="${2:-1366x768}"
out=screenshots
mkdir -p bin "$out"
rm -f "$out"/*.png
go build -tags sqlite_fts5 -o bin/alprdesk ./cmd/alprdesk

home=$(mktemp -d) # a throwaway home: no remembered login, no cache or keyring of the user's
app="" xvfb=""
cleanup() {
  if [ -n "$app" ]; then kill "$app" 2>/dev/null || true; fi
  if [ -n "$xvfb" ]; then kill "$xvfb" 2>/dev/null || true; fi
  sleep 0.5
  rm -rf "$home" 2>/dev/null || true
}
trap cleanup EXIT

Xvfb "$disp" -screen 0 "${size}x24" -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
sleep 1
export DISPLAY="$disp"
# Oakland time, so that the table's times match the photos' overlays.
HOME="$home" XDG_CACHE_HOME="$home/.cache" XDG_CONFIG_HOME="$home/.config" XDG_DATA_HOME="$home/.local/share" \
  TZ=America/Los_Angeles LANG=en_US.UTF-8 ./bin/alprdesk --demo --basemap "${BASEMAP:-../shared/data/oakland-basemap.geojson.gz}" >"$out/alprdesk.log" 2>&1 &
app=$!

win=""
for _ in $(seq 1 120); do
  win=$(xdotool search --name '^alprdesk$' 2>/dev/null | head -1 || true)
  [ -n "$win" ] && break
  sleep 0.5
done
[ -n "$win" ] || { echo "no alprdesk window; log:"; cat "$out/alprdesk.log"; exit 1; }
sleep 1
xdotool windowmove "$win" 0 0
xdotool windowsize "$win" "${size%x*}" "${size#*x}"
sleep 2

shot() { sleep "${2:-1}"; import -window root "$out/$1.png"; echo "saved $out/$1.png"; }
key() { xdotool key --clearmodifiers "$@"; sleep 0.4; }
typ() { xdotool type --delay 30 "$1"; sleep 0.4; }
click() { xdotool mousemove "$1" "$2" click 1; sleep 0.6; }

# Without a window manager, keys go to the window under the pointer.
xdotool mousemove 683 400
shot 01-login 1
# The demo store fills its world in the background on a first start.
for _ in $(seq 1 600); do grep -q "demo store ready" "$out/alprdesk.log" && break; sleep 0.5; done
grep "demo store ready" "$out/alprdesk.log" || true

# Keyboard only from here: sign in, each role's landing screen, sign out.
signin() { # $1 user; $2 "again" when the login remembers the last user
  if [ "${2:-}" = again ]; then key shift+Tab; fi
  key ctrl+a; typ "$1"; key Tab; typ demo; key Return
}
signin detective
shot 02-detective-landing-tour 4
key space                        # the tour opens on its Close button
shot 03-detective-search-no-case 0.5
# The case bar: report number, Tab to the category (its letters pick it:
# "c" is Carjacking), Tab to the purpose.
typ "20-042319"; key Tab; typ c; key Tab
typ "Attempted carjacking at gunpoint near International Blvd and 82nd Ave; suspect fled in a silver sedan"
shot 04-case-typed 0.5
key Return
shot 05-case-set 1
key ctrl+l; key ctrl+a; typ "8?KN*"; key Return
shot 06-results 4
key 1
shot 07-verified 2
key Down
key ctrl+t
shot 08-timeline 6
key ctrl+3
shot 09-evidence 2
key ctrl+shift+q
shot 10-signed-out 1
for who in watch_commander supervisor approver trainer admin; do
  signin "$who" again
  shot "20-$who-landing" 4
  key Escape
  key ctrl+shift+q
  sleep 1
done
signin detective again
sleep 3; key space
key ctrl+shift+l
shot 30-locked 1
echo "screenshots in $out/"
