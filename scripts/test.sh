#!/usr/bin/env bash
# Runs lint and every test in stages, printing each stage's time and a
# summary at the end: packages with concurrency under -race, the rest
# without, then a short run of every fuzz target.
# The whole run sits inside a private D-Bus session with an unlocked
# gnome-keyring, so the keyring tests talk to a real Secret Service, and
# beside a throwaway PostgreSQL cluster (scripts/pg-test.sh), so the
# PostgreSQL tests talk to a real server.
# Usage: scripts/test.sh "TAGS" "RACE_PKGS"
set -euo pipefail
tags="$1"; race_pkgs="$2"
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] && [ -z "${ALPR_IN_DBUS:-}" ] && command -v dbus-run-session >/dev/null 2>&1; then
  exec env ALPR_IN_DBUS=1 dbus-run-session -- "$0" "$@"
fi
if [ -z "${ALPR_IN_PGTEST:-}" ]; then
  # Starts a server unless ALPR_TEST_POSTGRES already names one.
  exec env ALPR_IN_PGTEST=1 "$here/pg-test.sh" "$0" "$@"
fi
if command -v gnome-keyring-daemon >/dev/null 2>&1; then
  # A fresh, unlocked login keyring in a throwaway home for the tests.
  export XDG_DATA_HOME="${XDG_DATA_HOME:-$(mktemp -d)}"
  eval "$(echo -n alprdesk-test | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)" || true
  export GNOME_KEYRING_CONTROL
  # The keyring tests must not skip here: a Secret Service was started.
  export ALPR_REQUIRE_KEYRING=1
fi

status=0
summary=()
# stage NAME COMMAND...: runs one stage, records its time and outcome; a
# failing stage fails the run but the later stages still run.
stage() {
  local name="$1"; shift
  local start=$SECONDS outcome=ok
  echo "=== stage $name"
  "$@" || { outcome=FAILED; status=1; }
  local took=$((SECONDS - start))
  summary+=("$(printf '%-10s %4dm%02ds  %s' "$name" $((took / 60)) $((took % 60)) "$outcome")")
  echo "=== stage $name: $outcome in $((took / 60))m$((took % 60))s"
}

# fuzz_all runs every fuzz target for a few seconds.
fuzz_all() {
  local rc=0 spec f
  for spec in $(grep -rl --include='*_test.go' '^func Fuzz' . | xargs -r dirname | sort -u); do
    for f in $(grep -h -o '^func Fuzz[A-Za-z0-9_]*' "$spec"/*_test.go | cut -d' ' -f2); do
      go test -tags "$tags" -run '^$' -fuzz "^$f\$" -fuzztime 10s "$spec" || rc=1
    done
  done
  return $rc
}

all=$(go list -tags "$tags" ./...)
race=$(go list -tags "$tags" $race_pkgs 2>/dev/null || true)
plain=$(comm -23 <(echo "$all" | sort) <(echo "$race" | sort))
begin=$SECONDS

stage lint "${MAKE:-make}" --no-print-directory lint
if [ -n "$race" ]; then
  stage race go test -tags "$tags" -race -timeout 30m $race
fi
if [ -n "$plain" ]; then
  stage plain go test -tags "$tags" -timeout 30m $plain
fi
if [ -n "${ALPR_TEST_POSTGRES:-}" ]; then
  # The store's HTTP-level tests once more, on PostgreSQL (the race and
  # plain stages ran them on SQLite).
  stage store-pg env ALPR_TEST_STORE_BACKEND=postgres go test -tags "$tags" -timeout 40m ./store/ ./cmd/alprstore/
fi
# The Windows programs, the MSI and the test binaries under Wine on Xvfb
# (scripts/test-windows.sh).
stage windows "${MAKE:-make}" --no-print-directory test-windows
stage fuzz fuzz_all

total=$((SECONDS - begin))
echo "=== stages"
printf '%s\n' "${summary[@]}"
printf '%-10s %4dm%02ds\n' total $((total / 60)) $((total % 60))
exit $status
