#!/usr/bin/env bash
# Builds dist/alprdesk_VERSION_ARCH.deb for Debian and Ubuntu workstations:
# /usr/bin/alprdesk, a desktop entry, the icon, and /etc/alprdesk/alprdesk.conf
# (a conffile: the machine-wide store URL, CA file and idle lock).
# Usage: scripts/deb.sh [TAGS]
set -euo pipefail
cd "$(dirname "$0")/.."
tags="${1:-sqlite_fts5}"
version=$(sed -n 's/^ *Version *= *"\([0-9.]*\)".*/\1/p' FyneApp.toml)
arch=$(dpkg --print-architecture)
root=$(mktemp -d)
# mktemp makes the folder 0700; a package's ./ entry is 0755, as in every
# Debian package.
chmod 0755 "$root"
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/applications" \
  "$root/usr/share/icons/hicolor/256x256/apps" "$root/etc/alprdesk" "$root/usr/share/doc/alprdesk"
CGO_ENABLED=1 go build -tags "$tags" -trimpath -ldflags "-s -w" -o "$root/usr/bin/alprdesk" ./cmd/alprdesk
install -m 0644 packaging/linux/alprdesk.desktop "$root/usr/share/applications/org.alprdesk.workstation.desktop"
convert assets/icon.png -resize 256x256 "$root/usr/share/icons/hicolor/256x256/apps/org.alprdesk.workstation.png"
install -m 0644 packaging/linux/alprdesk.conf "$root/etc/alprdesk/alprdesk.conf"
install -m 0644 README.md "$root/usr/share/doc/alprdesk/README.md"
echo /etc/alprdesk/alprdesk.conf >"$root/DEBIAN/conffiles"
cat >"$root/DEBIAN/control" <<CONTROL
Package: alprdesk
Version: $version
Architecture: $arch
Maintainer: alprdesk <alprdesk@example.invalid>
Depends: libc6, libgl1, libx11-6, libxcursor1, libxrandr2, libxinerama1, libxi6, libxxf86vm1
Recommends: gnome-keyring
Section: utils
Priority: optional
Homepage: https://github.com/alprdesk/alprdesk
Description: ALPR investigator workstation
 Search, verify and map licence plate reads from an agency's alprstore,
 under case context and audit. The store address, CA file and idle lock
 can be set for every user in /etc/alprdesk/alprdesk.conf.
CONTROL
mkdir -p dist
dpkg-deb --root-owner-group -Zxz --build "$root" "dist/alprdesk_${version}_${arch}.deb"
dpkg-deb --info "dist/alprdesk_${version}_${arch}.deb" | sed -n '1,3p'
dpkg-deb --contents "dist/alprdesk_${version}_${arch}.deb"
