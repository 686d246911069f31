#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster for the tests:
#
#   scripts/pg-test.sh COMMAND [ARGS...]
#
# initdb into a temporary folder, start the server on 127.0.0.1 at a free
# port (Unix socket in the same folder, fsync off: the data is thrown away),
# run COMMAND with
#
#   ALPR_TEST_POSTGRES=postgres://postgres@127.0.0.1:PORT/alpr_test?sslmode=disable
#   ALPR_REQUIRE_POSTGRES=1   (tests that need PostgreSQL fail instead of skipping)
#
# then stop the server and remove the folder, whatever COMMAND did (trap).
# The exit status is COMMAND's. PostgreSQL refuses to run as root, so as root
# the server runs as the `postgres` system user (runuser). The binaries come
# from Debian's postgresql package (`make deps-test` installs it); PG_BINDIR
# overrides where they are looked for.
#
# With ALPR_TEST_POSTGRES already set (an existing server) nothing is started
# and COMMAND runs as it is. Without PostgreSQL binaries COMMAND runs without
# a server, and the PostgreSQL tests skip (ALPR_REQUIRE_POSTGRES stays unset).
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi
if [ -n "${ALPR_TEST_POSTGRES:-}" ]; then
  exec "$@"
fi

# pg_bindir prints the folder of the newest installed initdb/pg_ctl.
pg_bindir() {
  if [ -n "${PG_BINDIR:-}" ]; then echo "$PG_BINDIR"; return; fi
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return; fi
  done
  if command -v pg_ctl >/dev/null 2>&1; then dirname "$(command -v pg_ctl)"; fi
}

bindir=$(pg_bindir)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "pg-test: no PostgreSQL binaries (run make deps-test); PostgreSQL tests will skip" >&2
  exec "$@"
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/alpr-pg.XXXXXX")
# As root the cluster belongs to, and runs as, the postgres system user.
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    echo "pg-test: running as root but there is no postgres user (install Debian's postgresql package)" >&2
    exit 1
  fi
  chown postgres: "$dir"
  as_pg=(runuser -u postgres --)
fi

# pg runs a PostgreSQL binary as the cluster's owner, from the cluster folder
# (the postgres user may not be allowed into the caller's working directory).
pg() {
  (cd "$dir" && "${as_pg[@]}" "$bindir/$1" "${@:2}")
}

stop() {
  if [ -f "$dir/data/postmaster.pid" ]; then
    pg pg_ctl -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pg initdb -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
  cat "$dir/initdb.log" >&2
  exit 1
}

# free_port prints a TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  echo "pg-test: no free port found" >&2
  return 1
}

# Another process may take the port between the check and the start: retry.
started=""
for _ in 1 2 3 4 5; do
  port=$(free_port)
  if pg pg_ctl -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400" \
    >/dev/null 2>&1; then
    started=1
    break
  fi
done
if [ -z "$started" ]; then
  echo "pg-test: PostgreSQL did not start; its log:" >&2
  cat "$dir/server.log" >&2 || true
  exit 1
fi
pg createdb -h 127.0.0.1 -p "$port" -U postgres alpr_test

export ALPR_TEST_POSTGRES="postgres://postgres@127.0.0.1:$port/alpr_test?sslmode=disable"
export ALPR_REQUIRE_POSTGRES=1
echo "pg-test: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $dir, removed at the end)" >&2
# COMMAND runs in the background, in a process group of its own, so that a
# signal to this script stops all of it (go test and its test binaries) at
# once, and then the server, instead of after COMMAND ends by itself.
if command -v setsid >/dev/null 2>&1; then
  setsid "$@" &
else
  "$@" &
fi
child=$!
trap 'kill -TERM -- "-$child" 2>/dev/null || kill -TERM "$child" 2>/dev/null || true' INT TERM
while :; do
  status=0
  wait "$child" || status=$?
  kill -0 "$child" 2>/dev/null || break
done
exit $status
