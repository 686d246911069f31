#!/usr/bin/env bash
# Installs the Debian packages named as arguments when any is missing.
# Idempotent; uses sudo when not root; on other systems says what to install.
set -euo pipefail
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
else
  echo "deps: not a Debian system; install the equivalents of: $*" >&2
  echo "deps: (a C compiler, OpenGL and X11 development headers, dbus, gnome-keyring, Xvfb, xdotool, ImageMagick)" >&2
  exit 0
fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "deps: run as root: apt-get install -y ${missing[*]}" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
