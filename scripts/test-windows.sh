#!/usr/bin/env bash
# The Windows stage of `make test`: everything runs the real Windows
# binaries under Wine in a throwaway prefix, and fails (never skips) when
# something is wrong.
#   1. make windows (dist/windows/alprstore.exe and alprdesk.exe) and check
#      alprdesk.exe is a GUI program with a per-monitor-DPI manifest;
#   2. cross-compile the test binaries of api/..., client, cache,
#      internal/machine and store/...
#      (`go test -c`, build cache reused) and run each under Wine;
#   3. alprstore.exe --demo under Wine: /healthz and a login over HTTP;
#   4. alprstore.exe as a Windows service: install, start, stop, uninstall;
#   5. the MSI: msiexec /i with STORE_URL and CA_FILE, then /x;
#   6. alprdesk.exe --demo under Wine on Xvfb: sign in and search by typing
#      with xdotool, the screen changes, the Credential Manager holds the
#      session (user.reg) and the store's audit holds the login and search.
# Two gaps of Wine 8 (Debian 12) that real Windows does not have are closed
# here and only here: a stand-in bcryptprimitives.dll (scripts/windows/
# bcryptprimitives.c) and a test-only `go test -overlay` of os.RemoveAll's
# delete call (scripts/windows/removeall-overlay.sh).
# Each stage prints its time. KEEP=1 keeps the work directory.
# Usage: scripts/test-windows.sh ["TEST_TAGS"]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tags="${1:-sqlite_fts5 ci}"
work=$(mktemp -d "${TMPDIR:-/tmp}/alprdesk-wine.XXXXXX")
source scripts/windows/wine-env.sh
pids=()
t_all=$SECONDS

fail() { echo "test-windows: FAIL: $*" >&2; exit 1; }
stage_start() { t_stage=$SECONDS; echo "== test-windows: $1"; }
stage_end() { echo "== test-windows: $1 took $((SECONDS - t_stage)) s"; }
cleanup() {
  local rc=$?
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wine_down
  if [ "${KEEP:-}" = 1 ] || [ $rc -ne 0 ]; then echo "test-windows: work directory kept: $work"; else rm -rf "$work"; fi
  echo "== test-windows: total $((SECONDS - t_all)) s ($( [ $rc -eq 0 ] && echo PASS || echo FAIL))"
}
trap cleanup EXIT
# waitfor SECONDS WHAT COMMAND...: retries COMMAND every second.
waitfor() {
  local n=$1 what=$2; shift 2
  for _ in $(seq "$n"); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  fail "$what (after $n s)"
}

for tool in x86_64-w64-mingw32-gcc "$WINE" wineserver wixl msiinfo Xvfb xdotool import compare curl; do
  command -v "$tool" >/dev/null || fail "$tool is missing: run make deps-test"
done

# --- 1. the programs -------------------------------------------------------
stage_start "make windows"
scripts/windows-build.sh "${tags% ci}"
# (the headers into a variable first: grep -q stops reading early, and
# under pipefail objdump's SIGPIPE would fail the check)
subsystem() { x86_64-w64-mingw32-objdump -p "$1" | sed -n 's/^Subsystem.*(\(.*\))$/\1/p'; }
[ "$(subsystem dist/windows/alprdesk.exe)" = "Windows GUI" ] || fail "alprdesk.exe is not a GUI program"
[ "$(subsystem dist/windows/alprstore.exe)" = "Windows CUI" ] || fail "alprstore.exe is not a console program"
grep -aq 'PerMonitorV2' dist/windows/alprdesk.exe || fail "alprdesk.exe has no per-monitor DPI manifest"
git diff --quiet -- FyneApp.toml || fail "the build changed FyneApp.toml"
stage_end "make windows"

# --- 2. Wine prefix with the stand-in DLL ---------------------------------
stage_start "Wine prefix"
wine_up "$work"
stage_end "Wine prefix"

# --- 3. the test binaries under Wine --------------------------------------
stage_start "cross-compile test binaries"
overlay=$(scripts/windows/removeall-overlay.sh "$work/overlay")
pkgs=$(go list -tags "$tags" -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}{{end}}' \
  ./api/... ./client ./cache ./internal/machine ./store/... | grep -v '/store/postgres' || true)
[ -n "$pkgs" ] || fail "no test packages"
mkdir -p "$work/tests"
GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc \
  go test -c -trimpath -tags "$tags" -overlay "$overlay" -o "$work/tests/" $pkgs
stage_end "cross-compile test binaries"

stage_start "test binaries under Wine"
status=0
for p in $pkgs; do
  dir=$(go list -f '{{.Dir}}' "$p")
  exe="$work/tests/$(basename "$p").test.exe"
  [ -f "$exe" ] || fail "no test binary for $p"
  t0=$SECONDS
  # The keyring tests must use the Credential Manager, not skip. The store
  # runs on SQLite here whether or not make test's PostgreSQL is up (the
  # store-pg stage covers PostgreSQL on Linux).
  if (cd "$dir" && env -u ALPR_TEST_POSTGRES -u ALPR_REQUIRE_POSTGRES -u ALPR_TEST_STORE_BACKEND \
    ALPR_REQUIRE_KEYRING=1 timeout 1200 "$WINE" "$exe" -test.timeout 15m >"$work/$(basename "$p").log" 2>&1); then
    echo "ok   $p (Wine, $((SECONDS - t0)) s)"
  else
    echo "FAIL $p (Wine, $((SECONDS - t0)) s):"; tail -40 "$work/$(basename "$p").log"; status=1
  fi
done
[ $status -eq 0 ] || fail "test binaries under Wine"
stage_end "test binaries under Wine"

# --- 4. alprstore.exe under Wine ------------------------------------------
stage_start "alprstore.exe smoke"
port=$(( 20000 + RANDOM % 20000 ))
"$WINE" dist/windows/alprstore.exe serve --demo --demo-reads 20000 --addr "127.0.0.1:$port" \
  --db "$(winepath -w "$work/store.db")" >"$work/store.log" 2>&1 &
pids+=($!)
waitfor 600 "alprstore.exe did not serve: $(tail -5 "$work/store.log")" grep -q "serving http://127.0.0.1:$port" "$work/store.log"
curl -fsS --retry 5 --retry-connrefused "http://127.0.0.1:$port/healthz" >/dev/null || fail "alprstore.exe /healthz"
login=$(curl -sS -H 'Content-Type: application/json' -H 'X-Workstation: wine-smoke' \
  -d '{"username":"detective","password":"demo"}' "http://127.0.0.1:$port/v1/auth/login")
grep -q '"access_token"' <<<"$login" || fail "alprstore.exe login: $login"
bad=$(curl -sS -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -H 'X-Workstation: wine-smoke' \
  -d '{"username":"detective","password":"wrong"}' "http://127.0.0.1:$port/v1/auth/login")
[ "$bad" = 401 ] || fail "a wrong password answered $bad, want 401"
echo "ok   alprstore.exe: /healthz, a login and a refused login"
kill "${pids[-1]}" 2>/dev/null || true
stage_end "alprstore.exe smoke"

# --- 5. alprstore.exe as a Windows service ----------------------------------
stage_start "alprstore.exe service"
sport=$((port + 1))
# Wine stops its services when the last ordinary Wine process exits (here
# `service start` itself), so a persistent wineserver keeps the session up
# for this stage, as Windows' never ends; -k flushes and ends it after.
wineserver -k 2>/dev/null || true
wineserver -p
svc() { timeout 120 "$WINE" dist/windows/alprstore.exe service "$@" >>"$work/service.log" 2>&1 || fail "service $1: $(tail -3 "$work/service.log")"; }
svc install --demo --demo-reads 2000 --addr "127.0.0.1:$sport" --db "$(winepath -w "$work/service.db")"
svc start
waitfor 600 "the service does not answer /healthz" curl -fsS "http://127.0.0.1:$sport/healthz"
svc stop
curl -fsS --max-time 5 "http://127.0.0.1:$sport/healthz" >/dev/null 2>&1 && fail "the stopped service still answers"
# %ProgramData%\alprdesk\alprstore.log (Wine 8's %ProgramData% is C:\users\Public)
find "$WINEPREFIX/drive_c" -path '*/alprdesk/alprstore.log' -exec grep -l "alprstore service stopped" {} + | grep -q . ||
  fail "no stop in the service log"
svc uninstall
wineserver -k
echo "ok   alprstore.exe service: install, start (answers /healthz), stop (clean, logged), uninstall"
stage_end "alprstore.exe service"

# --- 6. the MSI -------------------------------------------------------------
stage_start "MSI install and uninstall"
scripts/windows-installer.sh >/dev/null
msi=$(ls dist/windows/alprdesk-*.msi | head -1)
code=$(msiinfo export "$msi" Property | sed -n 's/^ProductCode\t//p' | tr -d '\r')
timeout 300 "$WINE" msiexec /i "$(winepath -w "$msi")" /qn STORE_URL=https://alpr.agency.example 'CA_FILE=C:\ProgramData\alprdesk\agency-ca.pem' ||
  fail "msiexec /i"
pf="$WINEPREFIX/drive_c/Program Files/alprdesk/alprdesk.exe"
[ -f "$pf" ] || fail "alprdesk.exe is not under Program Files"
# Windows puts a per-machine shortcut in ProgramData's Start menu; Wine 8
# puts it in the installing user's.
find "$WINEPREFIX/drive_c" -path '*/Start Menu/Programs/alprdesk.lnk' | grep -q . || fail "no Start menu entry"
"$WINE" reg query 'HKLM\SOFTWARE\Policies\alprdesk' /v StoreURL 2>/dev/null | grep -q 'https://alpr.agency.example' || fail "STORE_URL is not in the policy key"
"$WINE" reg query 'HKLM\SOFTWARE\Policies\alprdesk' /v CAFile 2>/dev/null | grep -qF 'agency-ca.pem' || fail "CA_FILE is not in the policy key"
"$WINE" reg query "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\$code" >/dev/null 2>&1 || fail "no uninstall entry for $code"
timeout 300 "$WINE" msiexec /x "$code" /qn || fail "msiexec /x"
[ ! -f "$pf" ] || fail "alprdesk.exe is still under Program Files after the uninstall"
find "$WINEPREFIX/drive_c" -path '*/Start Menu/Programs/alprdesk.lnk' | grep -q . && fail "the Start menu entry outlived the uninstall"
"$WINE" reg query 'HKLM\SOFTWARE\Policies\alprdesk' /v StoreURL >/dev/null 2>&1 && fail "the policy value outlived the uninstall"
echo "ok   MSI: per machine under Program Files, Start menu, uninstall entry, STORE_URL/CA_FILE policy; uninstalls cleanly"
stage_end "MSI install and uninstall"

# --- 7. alprdesk.exe under Wine on Xvfb -----------------------------------
stage_start "alprdesk.exe smoke"
scripts/windows/desk.sh smoke "$work" "$WINE"
stage_end "alprdesk.exe smoke"
