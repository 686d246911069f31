#!/usr/bin/env bash
# Runs the real alprdesk window in demo mode under Xvfb, drives it with
# xdotool through login, case context (and a refused purpose), a
# partial-plate search, photo verification, the timeline map and the idle
# lock, and saves a PNG of each screen in screenshots/ (gitignored).
# Needs xvfb, xdotool and imagemagick (make deps).
# Usage: scripts/screenshots.sh [display]
# Positions below are for the 1366x768 layout of the window.
set -euo pipefail
cd "$(dirname "$0")/.."
disp="${1:-:99}"
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

Xvfb "$disp" -screen 0 1366x768x24 -nolisten tcp >/dev/null 2>&1 &
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
xdotool windowsize "$win" 1366 768
sleep 2

shot() { sleep "${2:-1}"; import -window root "$out/$1.png"; echo "saved $out/$1.png"; }
key() { xdotool key --clearmodifiers "$@"; sleep 0.4; }
typ() { xdotool type --delay 30 "$1"; sleep 0.4; }
click() { xdotool mousemove "$1" "$2" click 1; sleep 0.6; }

# Without a window manager, keys go to the window under the pointer.
xdotool mousemove 683 700
shot 01-login 1
# The demo store fills its world in the background on a first start.
for _ in $(seq 1 600); do grep -q "demo store ready" "$out/alprdesk.log" && break; sleep 0.5; done
grep "demo store ready" "$out/alprdesk.log" || true
click 728 317; typ detective
click 728 356; typ demo
key Return
shot 02-main-first-run-tour 4
click 290 328                 # Close tour (the first-run tour of a demo session)
shot 03-main-no-case 0.5

# The gate: a purpose the policy prohibits is refused as it is typed.
click 120 84; typ "20-042319"
click 278 84; click 220 158   # purpose category: Robbery
click 700 84; typ "find protesters who attended the rally"
shot 04-case-prohibited 0.5
key ctrl+a; typ "Attempted carjacking at gunpoint near International Blvd and 82nd Ave; suspect fled in a silver sedan"
shot 05-case-valid 0.5
key Return
shot 06-case-set 1

# Quick lookup: Ctrl+L from anywhere, a partial plate, Enter.
key ctrl+l; typ "8*"; key Return
shot 07-pattern-too-broad 1.5
key ctrl+l; key ctrl+a; typ "8?KN*"; key Return
shot 08-results 4
key 1
shot 09-confirmed 2
key Down
shot 10-next-read 2
key 2
shot 11-misread-dialog 1
key Escape
key ctrl+t
shot 12-timeline 6

# Training (demo sessions): the exercises.
click 50 211; sleep 1.5; click 200 250
shot 13-training 1

# Analyses (the case above is a robbery, a convoy category): a convoy for
# the demo world's convoy exercise (seed 1: 6HXJ582), under the co-travel
# notice; the companion's first co-read in the photo panel; the scene map.
click 40 250                  # Analyses
click 355 133                 # Convoy
click 280 172; typ "6HXJ582"
click 855 133                 # Run analysis
shot 14-analyses-convoy 3
click 266 450                 # the companion
shot 15-analyses-convoy-read 3
click 210 133                 # Common plates
click 715 192                 # Scene 1: Circle…
shot 16-analyses-scene-map 4
key Escape

# The lock screen (Session menu, Lock now).
click 40 14; click 80 52
shot 17-locked 1
echo "screenshots in $out/"
