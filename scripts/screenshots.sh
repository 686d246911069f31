#!/usr/bin/env bash
# Runs the real alprdesk window in demo mode under Xvfb and drives it from
# the keyboard only (xdotool): sign in, the case bar, a partial-plate
# search, verification (1-4), the timeline (Ctrl+T), the screens by
# Ctrl+1..9, a hotlist request, each role's landing screen, the approver
# approving it, the trainer switching the live cameras on, the watch
# commander verifying and acknowledging a hit, the supervisor drawing the
# monthly audit sample, sign out and lock; a PNG of each step goes to
# screenshots/ (gitignored), or to $OUT.
# Needs xvfb, xdotool and imagemagick (make deps).
# Usage: scripts/screenshots.sh [display] [WIDTHxHEIGHT] (default: a free
# display that Xvfb picks itself, 1366x768)
set -euo pipefail
cd "$(dirname "$0")/.."
disp="${1:-}"
size="${2:-1366x768}"
width="${size%x*}" height="${size#*x}"
out="${OUT:-screenshots}"
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

if [ -n "$disp" ]; then
  Xvfb "$disp" -screen 0 "${size}x24" -nolisten tcp >/dev/null 2>&1 &
  xvfb=$!
  sleep 1
else # Xvfb picks a display no other server (another engineer's, a stale lock) holds
  dfile="$home/display"
  Xvfb -displayfd 3 -screen 0 "${size}x24" -nolisten tcp 3>"$dfile" >/dev/null 2>&1 &
  xvfb=$!
  for _ in $(seq 1 100); do [ -s "$dfile" ] && break; sleep 0.1; done
  [ -s "$dfile" ] || { echo "Xvfb did not start"; exit 1; }
  disp=":$(head -1 "$dfile")"
fi
echo "Xvfb on display $disp at $size"
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
xdotool windowsize "$win" "$width" "$height"
sleep 2

shot() { sleep "${2:-1}"; import -window root "$out/$1.png"; echo "saved $out/$1.png"; }
key() { xdotool key --clearmodifiers "$@"; sleep 0.4; }
typ() { xdotool type --delay 30 "$1"; sleep 0.4; }
click() { xdotool mousemove "$1" "$2" click 1; sleep 0.6; }

# Without a window manager, keys go to the window under the pointer.
xdotool mousemove $((width / 2)) $((height / 2))
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
key ctrl+4
shot 09-evidence 2
# A hotlist request for the plate: Hotlists opens on the request form with
# the cursor in the plate, and Tab walks the fields in reading order (the
# state stays CA; the list stays Alert; name, serial and days are filled).
key ctrl+6
typ 8YKN780; key Tab; key Tab
typ "20-042319"; key Tab; typ "silver Honda sedan"; key Tab
typ "Used in the attempted carjacking at International Blvd and 82nd Ave; read by three cameras within 6 minutes"
for _ in 1 2 3 4 5 6 7 8; do key Tab; done # list (2), name, serial, days, instructions, contact, File request
shot 11-hotlist-request-typed 0.5
key space
shot 12-hotlist-request-filed 2
key ctrl+shift+q
shot 10-signed-out 1
for who in watch_commander supervisor approver trainer admin; do
  signin "$who" again
  shot "20-$who-landing" 4
  key Escape
  key ctrl+shift+q
  sleep 1
done

# The approver's queue has the focus: Space opens the request, Tab goes to
# the reason, then Deny, then Approve.
signin approver again
sleep 4
key space
key Tab; typ "The report links the vehicle to the carjacking; an alert entry is justified"
key Tab; key Tab
shot 40-approver-decides 1
key space
shot 41-approver-approved 2
key ctrl+shift+q; sleep 1
# The trainer's class view lands on Live cameras: Space starts the demo's
# cameras, Tab and Right, Right raise the rate to 30 reads a second; the
# stolen car of the real-time exercise then passes a camera every 8 s.
signin trainer again
sleep 4
key space; key Tab; key Right; key Right
shot 42-trainer-live 2
key ctrl+shift+q; sleep 1
# The watch commander: Alerts (Ctrl+6) with the hit list focused; hits
# arrive live; Space opens the newest, 1 confirms it after the photo
# check, the cursor is in the note, Enter acknowledges.
signin watch_commander again
sleep 3
key ctrl+6
sleep 25 # a few hits
key space
sleep 3
shot 43-watch-hit 0.5
key 1
sleep 1.5 # the verdict is recorded, and the cursor moves to the note (what is typed before would go to the list)
typ "Unit 12 notified; the plate matches the photo"
shot 44-watch-verified 1
key Return
shot 45-watch-acknowledged 2
key ctrl+shift+q; sleep 1
# The supervisor: Next tab (Ctrl+PageDown) opens the monthly review with the
# cursor in the month; Tab, Tab reaches Draw sample; Tab then Space opens
# the first sampled search.
signin supervisor again
sleep 4
key ctrl+Next
shot 46-supervisor-review 1
key Tab; key Tab; key space
shot 47-supervisor-sample 3
key Tab; key space
shot 48-supervisor-sampled-search 2
# Tab to the verdicts, Space marks Compliant, Tab past the other two
# verdicts and the note to Record review.
key Tab; key space
for _ in 1 2 3 4; do key Tab; done
key space
shot 49-supervisor-reviewed 2
key ctrl+shift+q; sleep 1
# ==== BEGIN Analyses (issue 14; kept apart from the keyboard path above) ====
# The detective works the demo world's two analysis exercises from the
# keyboard: a common-plates analysis of the three robbery scenes ("One car
# at three robberies"), then a convoy analysis of the shooter's car ("The
# second car after a shooting"). The scenes and the target plate are read
# from the exercises' briefs through the demo store's API (curl, jq; as the
# trainer, since a second sign-in of the detective would end the window's).
# Starts and ends signed out. Needs curl, jq and ss (iproute2; make deps).
analyses_shots() {
  local store tok ex serial convoy target i s when cam t
  store=$(ss -ltnpH 2>/dev/null | awk -v p="pid=$app," 'index($0, p) {print $4; exit}')
  tok=$(curl -fsS "http://$store/v1/auth/login" -H 'Content-Type: application/json' \
    -d '{"username":"trainer","password":"demo"}' | jq -r .access_token)
  ex=$(curl -fsS "http://$store/v1/training/exercises" -H "Authorization: Bearer $tok")
  serial=$(jq -r '.exercises[] | select(.id == "serial-robbery-common-plate") | .brief' <<<"$ex")
  convoy=$(jq -r '.exercises[] | select(.id == "convoy-second-car") | .brief' <<<"$ex")
  target=$(grep -oE 'plate [0-9A-Z]+ \(CA\)' <<<"$convoy" | head -1 | cut -d' ' -f2)
  # "Monday 23 November at about 21:10 near Telegraph Ave & 51st St", one per robbery.
  mapfile -t scenes < <(grep -oE '[A-Z][a-z]+day [0-9]+ [A-Z][a-z]+ at about [0-9]{2}:[0-9]{2} near [^;.]+' <<<"$serial")
  [ "${#scenes[@]}" = 3 ] && [ -n "$target" ] || { echo "analyses: exercises not found in the demo store"; return 1; }
  # casebar REPORT CATEGORY PURPOSE: the case bar from the keyboard (the
  # category's name typed picks it; Enter in the purpose uses the case).
  casebar() { typ "$1"; key Tab; typ "$2"; key Tab; typ "$3"; key Return; }
  signin detective again
  sleep 3; key space                       # closes the tour if it shows (else a blank the case bar trims)
  key ctrl+3                               # Analyses: the cursor is in the case bar
  casebar 26-004118 robbery "Three armed robberies of convenience stores; the robber left in a car each time, plate unknown"
  key ctrl+3                               # the cursor is in scene 1's start
  key --repeat 8 Tab; key space            # Add scene (a third)
  key ctrl+3
  for i in 0 1 2; do
    s=${scenes[$i]}
    when=$(sed -E 's/^[A-Z][a-z]+ ([0-9]+) ([A-Z][a-z]+) at about ([0-9:]+) near .*/\2 \1 \3/' <<<"$s")
    cam=${s##* near }
    # From 30 minutes before the robbery (Oakland time, in the past year),
    # for 1 h (the form's default length).
    t=$(TZ=America/Los_Angeles date -d "$when" +%s)
    [ "$t" -le "$(date +%s)" ] || t=$(TZ=America/Los_Angeles date -d "$when 1 year ago" +%s)
    key ctrl+a; typ "$(TZ=America/Los_Angeles date -d "@$((t - 1800))" '+%Y-%m-%d %H:%M')"
    key Tab; key Tab; key Tab; key space   # length, Circle…, Cameras…
    typ "$cam"
    [ "$i" = 0 ] && shot 50-analyses-scene-cameras 0.5
    key Return; key Tab; key Tab           # remove, the next scene's start
  done
  shot 51-analyses-common-plates-form 0.5
  key ctrl+3; key Return                   # run; the plates take the cursor
  shot 52-analyses-common-plates 4
  key space                                # the first plate: its reads and the first photo
  shot 53-analyses-common-plate-reads 4
  key ctrl+shift+q
  signin detective again
  sleep 3; key space
  key ctrl+3
  casebar 26-005207 homicide "Fatal shooting outside a liquor store at Telegraph Ave and 40th St; the shooter left in a black Chevrolet Malibu"
  key ctrl+3; key shift+Tab; key shift+Tab; key space   # Run, then the Convoy choice
  key ctrl+3                               # the cursor is in the target plate
  typ "$target"
  shot 54-analyses-convoy-form 0.5
  key Return
  shot 55-analyses-convoy 4
  key Down; key space                      # the first companion
  shot 56-analyses-convoy-companion 4
  key ctrl+shift+q
  sleep 1
}
analyses_shots
# ==== END Analyses ====
signin detective again
sleep 3; key space
key ctrl+shift+l
shot 30-locked 1
echo "screenshots in $out/"
