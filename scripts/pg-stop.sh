#!/usr/bin/env bash
# Stop the throwaway PostgreSQL cluster started by scripts/pg-start.sh and delete its temp dir.
# Safe to run when nothing is running.
set -euo pipefail

PORT="${ROLLCELL_PG_PORT:-55432}"
STATE="${TMPDIR:-/tmp}/rollcell-pg-${PORT}.dir"

if [[ ! -f "$STATE" ]]; then
  echo "pg-stop.sh: no cluster recorded for port $PORT ($STATE missing); nothing to stop" >&2
  exit 0
fi
DIR="$(cat "$STATE")"

BIN="${PG_BIN:-}"
if [[ -z "$BIN" ]]; then
  for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    if [[ -x "$d/pg_ctl" ]]; then BIN="$d"; break; fi
  done
fi

if [[ -d "$DIR/data" ]]; then
  if [[ "$(id -u)" == "0" ]]; then
    runuser -u postgres -- "$BIN/pg_ctl" -D "$DIR/data" -m fast -w -t 60 stop >&2 || true
  else
    "$BIN/pg_ctl" -D "$DIR/data" -m fast -w -t 60 stop >&2 || true
  fi
fi
case "$DIR" in
  "${TMPDIR:-/tmp}"/rollcell-pg.*) rm -rf "$DIR" ;;
esac
rm -f "$STATE"
echo "pg-stop.sh: stopped cluster on port $PORT" >&2
