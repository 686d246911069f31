# Sourced by scripts/test-windows.sh and scripts/screenshots-windows.sh:
# wine_up WORKDIR starts Xvfb (1366x768) and a fresh 64-bit Wine prefix in
# WORKDIR/prefix (no Mono, Gecko or crash debugger: a winedbg waiting on a
# crashed program would keep wineserver up forever) with the stand-in
# bcryptprimitives.dll (see
# scripts/windows/bcryptprimitives.c), and exports WINEPREFIX, DISPLAY and
# WINE; wine_down stops them. Needs fail() from the caller.
wine_pids=()
WINE=$(command -v wine || command -v wine64 || echo /usr/lib/wine/wine64)

wine_up() {
  local work=$1
  export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=;winedbg.exe=d" WINEARCH=win64
  Xvfb -displayfd 3 -screen 0 1366x768x24 -nolisten tcp 3>"$work/display" >/dev/null 2>&1 &
  wine_pids+=($!)
  for _ in $(seq 20); do [ -s "$work/display" ] && break; sleep 1; done
  [ -s "$work/display" ] || fail "Xvfb did not start"
  export DISPLAY=":$(cat "$work/display")"
  timeout 300 "$WINE" wineboot -i >"$work/wineboot.log" 2>&1 || { cat "$work/wineboot.log"; fail "wineboot"; }
  x86_64-w64-mingw32-gcc -shared -O2 -s -o "$work/bcryptprimitives.dll" \
    "$(dirname "${BASH_SOURCE[0]}")/bcryptprimitives.c" -ladvapi32
  cp "$work/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"
}

wine_down() {
  if [ -n "${WINEPREFIX:-}" ] && [ -d "$WINEPREFIX" ]; then wineserver -k 2>/dev/null || true; fi
  local p
  for p in "${wine_pids[@]}"; do kill "$p" 2>/dev/null || true; done
}
