#!/usr/bin/env bash
# Start a throwaway PostgreSQL 15 cluster for rollcell's store tests.
#
#   url=$(scripts/pg-start.sh) && export ROLLCELL_PG_URL="$url"
#
# - initialises a fresh cluster in a temp dir (Debian's postgresql 15 binaries under
#   /usr/lib/postgresql/15/bin, or $PG_BIN), owned by and run as the `postgres` OS user when
#   started as root;
# - listens on 127.0.0.1 only, port $ROLLCELL_PG_PORT (default 55432), trust auth, and keeps its
#   unix socket inside the temp dir, so it never touches Debian's own auto-created cluster
#   (port 5432, /var/run/postgresql);
# - creates the database `rollcell_test`;
# - prints exactly one line on stdout: postgres://postgres@127.0.0.1:<port>/rollcell_test
#   (progress goes to stderr).
# Running it again while the cluster is up just prints the URL. Stop it with scripts/pg-stop.sh.
set -euo pipefail

PORT="${ROLLCELL_PG_PORT:-55432}"
DBNAME="rollcell_test"
STATE="${TMPDIR:-/tmp}/rollcell-pg-${PORT}.dir"   # remembers the cluster's temp dir for pg-stop.sh

find_bin() {
  if [[ -n "${PG_BIN:-}" ]]; then echo "$PG_BIN"; return; fi
  for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    if [[ -x "$d/initdb" ]]; then echo "$d"; return; fi
  done
  echo "pg-start.sh: PostgreSQL server binaries not found (looked for /usr/lib/postgresql/15/bin/initdb);" \
       "install them with: apt-get install -y postgresql" >&2
  exit 1
}
BIN="$(find_bin)"

# Run a command as the postgres OS user when we are root (initdb refuses to run as root).
as_pg() {
  if [[ "$(id -u)" == "0" ]]; then
    if ! id postgres >/dev/null 2>&1; then
      echo "pg-start.sh: running as root but there is no 'postgres' OS user (apt-get install -y postgresql creates it)" >&2
      exit 1
    fi
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

URL="postgres://postgres@127.0.0.1:${PORT}/${DBNAME}"

# Already running? Reuse it.
if [[ -f "$STATE" ]]; then
  DIR="$(cat "$STATE")"
  if [[ -d "$DIR/data" ]] && as_pg "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
    echo "pg-start.sh: cluster already running in $DIR on port $PORT" >&2
    echo "$URL"
    exit 0
  fi
  rm -f "$STATE"
fi

if "$BIN/pg_isready" -h 127.0.0.1 -p "$PORT" -q 2>/dev/null; then
  echo "pg-start.sh: something else already listens on 127.0.0.1:$PORT (not started by this script);" \
       "stop it or choose another port with ROLLCELL_PG_PORT" >&2
  exit 1
fi

DIR="$(mktemp -d "${TMPDIR:-/tmp}/rollcell-pg.XXXXXX")"
chmod 0755 "$DIR"
if [[ "$(id -u)" == "0" ]]; then chown postgres:postgres "$DIR"; fi

echo "pg-start.sh: initialising cluster in $DIR/data" >&2
as_pg "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$DIR/initdb.log" 2>&1 || {
  cat "$DIR/initdb.log" >&2; exit 1; }

# Options: loopback only, our port, socket in the temp dir, quick and durable enough for tests.
as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -c port=${PORT} -c unix_socket_directories=${DIR} -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >&2 || { cat "$DIR/server.log" >&2; exit 1; }
echo "$DIR" >"$STATE"

as_pg "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DBNAME" >&2
echo "pg-start.sh: ready on 127.0.0.1:$PORT (data $DIR/data, log $DIR/server.log)" >&2
echo "$URL"
