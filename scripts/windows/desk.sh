#!/usr/bin/env bash
# Drives dist/windows/alprdesk.exe --demo under Wine on an X display with
# xdotool: sign in by typing, set a case, search, open the timeline.
#   smoke:       fails unless the search changed the screen, the Windows
#                Credential Manager holds the session (Wine's user.reg once
#                wineserver has exited) and the demo store's audit chain
#                holds this login and this search (alprstore.exe audit export).
#   screenshots: saves login, results and timeline PNGs in OUTDIR.
# Needs WINEPREFIX (with the stand-in bcryptprimitives.dll) and DISPLAY set:
# scripts/test-windows.sh and scripts/screenshots-windows.sh prepare both.
# The keys are those of scripts/screenshots.sh (1366x768 window at 0,0).
# Usage: scripts/windows/desk.sh smoke|screenshots WORKDIR WINE [OUTDIR]
set -euo pipefail
mode=$1 work=$2 wine=$3 out=${4:-$2/shots}
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"
fail() { echo "desk: FAIL: $*" >&2; [ -f "$work/desk.log" ] && tail -20 "$work/desk.log" >&2; exit 1; }
waitfor() {
  local n=$1 what=$2; shift 2
  for _ in $(seq "$n"); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  fail "$what (after $n s)"
}

basemap=()
bm="${BASEMAP:-$root/../shared/data/oakland-basemap.geojson.gz}"
[ -f "$bm" ] && basemap=(--basemap "$(winepath -w "$bm")")
started=$(date -u +%Y-%m-%dT%H:%M:%S)
report="26-$(printf '%06d' $((RANDOM * 30 % 1000000)))"
# Oakland time, so the table's times match the photos' overlays.
(cd "$work" && TZ=America/Los_Angeles exec "$wine" "$root/dist/windows/alprdesk.exe" --demo \
  --reads "${DEMO_READS:-20000}" "${basemap[@]}") >"$work/desk.log" 2>&1 &
desk=$!
trap 'kill $desk 2>/dev/null || true' EXIT

findwin() { win=$(xdotool search --onlyvisible --name '^alprdesk$' 2>/dev/null | head -1) && [ -n "$win" ]; }
waitfor 300 "no alprdesk window" findwin
xdotool windowmove "$win" 0 0 windowsize "$win" 1366 768
sleep 3
shot() { sleep "${2:-1}"; import -window root "$out/$1.png"; }
key() { xdotool key --clearmodifiers "$@"; sleep 0.5; }
typ() { xdotool type --delay 60 "$1"; sleep 0.5; }
changed() { # changed A B: more than 0.5% of the pixels differ
  local n; n=$(compare -metric AE -fuzz 5% "$out/$1.png" "$out/$2.png" null: 2>&1 || true)
  [ "${n%%.*}" -gt $((1366 * 768 / 200)) ] 2>/dev/null
}

xdotool mousemove 683 700 # keys go to the window under the pointer without a window manager
shot login 1
# The demo store fills its world in the background; requests wait for it.
# (stderr under Wine; %LocalAppData%\alprdesk\alprdesk.log on Windows)
ready() { cat "$work/desk.log" "$WINEPREFIX"/drive_c/users/*/AppData/Local/alprdesk/alprdesk.log 2>/dev/null | grep -q "demo store ready"; }
waitfor 900 "the demo store did not get ready" ready
# Keyboard only, as scripts/screenshots.sh does on Linux: the login opens
# on the user name, the tour on its Close button, the case bar on the
# report number (Tab to the category, whose letters pick it: "c" is
# Carjacking; Tab to the justification).
key ctrl+a; typ detective; key Tab; typ demo; key Return
shot signed-in 6
changed login signed-in || fail "signing in did not change the screen"
# The first-run tour starts once the main screen is laid out, which under
# a loaded Wine can come seconds later: wait for its blue Next button
# (its place at 1366x768), then Space closes it. Without the wait a late
# tour opened over the timeline.
tour() { import -window root "$work/tour.png" &&
  [ "$(convert "$work/tour.png" -crop 60x20+335+318 -format '%[fx:mean.b-mean.r > 0.3]' info:)" = 1 ]; }
waitfor 60 "the first-run tour did not show" tour
key space
typ "$report"; key Tab; typ c; key Tab
typ "Attempted carjacking at gunpoint near International Blvd; suspect fled in a silver sedan"
key Return
shot case 2
key ctrl+l; key ctrl+a; typ "8?KN*"; key Return
shot results 8
changed case results || fail "the search did not change the screen"
if [ "$mode" = screenshots ]; then
  # As on Linux: mark the first read verified (1), select it, its timeline.
  key 1; key Down; key ctrl+t
  shot timeline 10
fi

# Close the window as a user would (WM_CLOSE), then let wineserver save the registry.
"$wine" taskkill /im alprdesk.exe >/dev/null 2>&1 || true
for _ in $(seq 30); do kill -0 $desk 2>/dev/null || break; sleep 1; done
if kill -0 $desk 2>/dev/null; then
  # Seen under Wine 8 with llvmpipe: a page fault while the window closes.
  echo "note: alprdesk.exe was still running 30 s after WM_CLOSE; stopped it. $(grep -m1 'Unhandled' "$work/desk.log" || true)"
  kill $desk 2>/dev/null || true
fi
wineserver -w
[ "$mode" = smoke ] || exit 0

# The session is in the Credential Manager (Wine keeps it in user.reg).
grep -aq 'Credential Manager\\\\Generic: alprdesk:detective@alprdesk-demo' "$WINEPREFIX/user.reg" ||
  fail "no alprdesk session for detective in the Credential Manager (user.reg)"
echo "ok   alprdesk.exe: the session is in the Credential Manager"

# The demo store's audit chain holds this login and this search.
db=$(ls "$WINEPREFIX"/drive_c/users/*/AppData/Local/alprdesk/demo-*.db 2>/dev/null | head -1)
[ -n "$db" ] || fail "no demo database under %LocalAppData%\\alprdesk"
"$wine" "$root/dist/windows/alprstore.exe" audit export --db "$(winepath -w "$db")" "$(winepath -w "$work/audit.jsonl")" \
  >"$work/audit-export.log" 2>&1 || fail "alprstore.exe audit export: $(cat "$work/audit-export.log")"
after() { while IFS= read -r l; do at=$(sed -n 's/.*"at":"\([^"]*\)".*/\1/p' <<<"$l"); [[ "$at" > "$started" ]] && echo "$l"; done; }
logins=$(grep '"action":"login"' "$work/audit.jsonl" | grep '"actor":"detective"' | grep '"outcome":"allowed"' | after | wc -l || true)
[ "$logins" -gt 0 ] || fail "the audit has no login of detective since $started"
grep '"action":"search"' "$work/audit.jsonl" | grep "\"report_number\":\"$report\"" | grep -q . ||
  fail "the audit has no search under report number $report"
echo "ok   alprdesk.exe: signed in, searched; the audit holds the login and the search ($report)"
