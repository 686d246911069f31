#!/usr/bin/env bash
# Builds dist/windows/alprdesk-VERSION.msi from dist/windows/alprdesk.exe
# (make windows) and packaging/windows/alprdesk.wxs with Debian's wixl,
# then lists STORE_URL and CA_FILE in SecureCustomProperties with msibuild
# (wixl cannot express that; see the .wxs). VERSION is FyneApp.toml's.
# Usage: scripts/windows-installer.sh
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^ *Version *= *"\([0-9.]*\)".*/\1/p' FyneApp.toml)
exe=dist/windows/alprdesk.exe
[ -f "$exe" ] || { echo "windows-installer: no $exe (make windows)" >&2; exit 1; }
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp "$exe" packaging/windows/alprdesk.wxs "$stage/"
convert assets/icon.png -define icon:auto-resize=256,64,48,32,16 "$stage/alprdesk.ico"
msi="alprdesk-$version.msi"
(cd "$stage" && wixl -a x64 -D Version="$version" -o "$msi" alprdesk.wxs)
secure=$(msiinfo export "$stage/$msi" Property | sed -n 's/^SecureCustomProperties\t//p')
msibuild "$stage/$msi" -q "UPDATE \`Property\` SET \`Value\` = '${secure:+$secure;}STORE_URL;CA_FILE' WHERE \`Property\` = 'SecureCustomProperties'"
msiinfo export "$stage/$msi" Property | grep -q 'SecureCustomProperties.*STORE_URL;CA_FILE' || { echo "windows-installer: SecureCustomProperties not set" >&2; exit 1; }
mv "$stage/$msi" dist/windows/
ls -l "dist/windows/$msi"
