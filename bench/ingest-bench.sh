#!/usr/bin/env bash
# ingest-bench: end-to-end durable ingest on this machine, SQLite and PostgreSQL side by side —
# `shanshui serve` (a reply leaves only after its frame is committed: SQLite synchronous=FULL,
# PostgreSQL synchronous_commit=on) against `shanshui simulate` with N air stations on loopback
# sending hourly frames (6 values each, Flag=5) and waiting for their 9014 replies. The runs
# alternate between the backends; PostgreSQL is a throwaway cluster started for the benchmark
# (tests/support/with_postgres.sh). Prints acknowledged values per second, stored values and bytes
# per stored value for each run, and the medians.
# Usage: bench/ingest-bench.sh [STATIONS] [HOURS] [RUNS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${SHANSHUI_TEST_PG:-}" ]; then exec "$root/tests/support/with_postgres.sh" "$0" "$@"; fi
stations=${1:-500}
hours=${2:-240}
runs=${3:-3}
cli="$root/build/bin/shanshui"
[ -x "$cli" ] || "$root/scripts/build"
dir="$root/var/bench"
mkdir -p "$dir"
one_run() {  # backend run
  local db
  if [ "$1" = sqlite ]; then
    db="$dir/ingest.db"
    rm -f "$db" "$db-wal" "$db-shm"
  else
    psql -q "$SHANSHUI_TEST_PG" -c "DROP DATABASE IF EXISTS ingest" -c "CREATE DATABASE ingest"
    db=${SHANSHUI_TEST_PG/\/shanshui\?/\/ingest?}
  fi
  local port=$((20000 + RANDOM % 20000))
  "$cli" serve --db "$db" --hj212-port "$port" --hj212-max-per-address 5000 2> "$dir/serve.log" &
  local server=$!
  sleep 1
  local out
  out=$("$cli" simulate --db "$db" --register --port "$port" --air "$stations" --hours "$hours" --window 16 --json)
  kill "$server"
  wait "$server" || true
  local stored bytes
  if [ "$1" = sqlite ]; then
    sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
    stored=$(sqlite3 "$db" "SELECT count(*) FROM observations")
    bytes=$(stat -c %s "$db")
  else
    stored=$(psql -At "$db" -c "SELECT count(*) FROM observations")
    psql -q "$db" -c "VACUUM ANALYZE" >/dev/null
    bytes=$(psql -At "$db" -c "SELECT pg_database_size(current_database()) - (SELECT pg_database_size('template1'))")
  fi
  local vps
  vps=$(python3 -c "import json,sys; print(round(json.loads(sys.argv[1])['values_per_second']))" "$out")
  echo "$1 run $2: $vps values/s acknowledged; stored $stored values, $((bytes / stored)) bytes per value ($bytes bytes)"
  echo "$1 $vps $((bytes / stored))" >> "$dir/ingest-results"
}
rm -f "$dir/ingest-results"
for i in $(seq "$runs"); do
  one_run sqlite "$i"
  one_run postgresql "$i"
done
for b in sqlite postgresql; do
  awk -v b="$b" '$1 == b {print $2, $3}' "$dir/ingest-results" | sort -n |
    awk -v b="$b" '{v[NR]=$1; s[NR]=$2} END {m=int((NR+1)/2); print b ": median " v[m] " values/s acknowledged and stored, " s[m] " bytes per value"}'
done
