#!/usr/bin/env bash
# Runs every test: packages with concurrency under -race, the rest without.
# The whole run sits inside a private D-Bus session with an unlocked
# gnome-keyring, so the keyring tests talk to a real Secret Service.
# Usage: scripts/test.sh "TAGS" "RACE_PKGS"
set -euo pipefail
tags="$1"; race_pkgs="$2"
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] && [ -z "${ALPR_IN_DBUS:-}" ] && command -v dbus-run-session >/dev/null 2>&1; then
  exec env ALPR_IN_DBUS=1 dbus-run-session -- "$0" "$@"
fi
if command -v gnome-keyring-daemon >/dev/null 2>&1; then
  # A fresh, unlocked login keyring in a throwaway home for the tests.
  export XDG_DATA_HOME="${XDG_DATA_HOME:-$(mktemp -d)}"
  eval "$(echo -n alprdesk-test | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)" || true
  export GNOME_KEYRING_CONTROL
  # The keyring tests must not skip here: a Secret Service was started.
  export ALPR_REQUIRE_KEYRING=1
fi
all=$(go list -tags "$tags" ./...)
race=$(go list -tags "$tags" $race_pkgs 2>/dev/null || true)
plain=$(comm -23 <(echo "$all" | sort) <(echo "$race" | sort))
status=0
if [ -n "$race" ]; then
  go test -tags "$tags" -race -timeout 20m $race || status=1
fi
if [ -n "$plain" ]; then
  go test -tags "$tags" -timeout 20m $plain || status=1
fi
# A short run of every fuzz target.
for spec in $(grep -rl --include='*_test.go' '^func Fuzz' . | xargs -r dirname | sort -u); do
  for f in $(grep -h -o '^func Fuzz[A-Za-z0-9_]*' "$spec"/*_test.go | cut -d' ' -f2); do
    go test -tags "$tags" -run '^$' -fuzz "^$f\$" -fuzztime 10s "$spec" || status=1
  done
done
exit $status
