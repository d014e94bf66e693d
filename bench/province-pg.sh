#!/usr/bin/env bash
# province-pg: provincial scale on PostgreSQL — N air stations (default 1,734, the issue's figure
# for Chongqing's 38 districts and counties) sending D days of hourly frames through the real
# HJ 212 listener into a PostgreSQL database (a throwaway cluster started for the run), then one
# live-evaluation pass (every station-day assessed, the year so far recorded with its lineage), then
# `audit verify`. Prints wall times, values per second, the database's size and bytes per value,
# and the linear extrapolation to three years.
# Usage: bench/province-pg.sh [STATIONS] [DAYS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${SHANSHUI_TEST_PG:-}" ]; then exec "$root/tests/support/with_postgres.sh" "$0" "$@"; fi
stations=${1:-1734}
days=${2:-7}
cli="$root/build/bin/shanshui"
[ -x "$cli" ] || "$root/scripts/build"
psql -q "$SHANSHUI_TEST_PG" -c "CREATE DATABASE province"
db=${SHANSHUI_TEST_PG/\/shanshui\?/\/province?}
port=$((20000 + RANDOM % 20000))
"$cli" serve --db "$db" --hj212-port "$port" --hj212-max-connections 4000 --hj212-max-per-address 4000 \
  --accept-past-days 4000 2> /tmp/province-serve.log &
server=$!
sleep 1
start=$(date +%s.%N)
out=$("$cli" simulate --db "$db" --register --port "$port" --air "$stations" --hours $((days * 24)) --window 8 \
  --from "$(date -d "-$((days + 1)) days" +%F)" --json) || { echo "simulate failed: $out" >&2; tail -5 /tmp/province-serve.log >&2; }
ingest=$(python3 -c "import sys; print(round($(date +%s.%N) - $start, 1))")
kill "$server"
wait "$server" || true
t0=$(date +%s.%N)
"$cli" evaluate --db "$db" > /tmp/province-eval.txt
evaluate=$(python3 -c "import sys; print(round($(date +%s.%N) - $t0, 1))")
t0=$(date +%s.%N)
"$cli" audit verify --db "$db" | tail -1
verify=$(python3 -c "import sys; print(round($(date +%s.%N) - $t0, 1))")
values=$(psql -At "$db" -c "SELECT count(*) FROM observations")
psql -q "$db" -c "VACUUM ANALYZE" >/dev/null
bytes=$(psql -At "$db" -c "SELECT pg_database_size(current_database()) - pg_database_size('template1')")
vps=$(python3 -c "import json,sys; print(round(json.loads(sys.argv[1])['values_per_second']))" "$out")
echo "stations $stations, days $days: $values values stored in ${ingest} s ($vps values/s acknowledged)"
echo "live evaluation pass: ${evaluate} s; audit verify: ${verify} s"
echo "database: $((bytes / 1048576)) MiB, $((bytes / values)) bytes per value"
python3 - "$stations" "$days" "$values" "$ingest" "$evaluate" "$bytes" <<'PY'
import sys
st, days, values, ingest, evaluate, size = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
k = 3 * 365 / days
print(f"three years at the same rates (linear): {values * k / 1e6:.0f} M values, ingest {ingest * k / 3600:.1f} h, "
      f"evaluation {evaluate * k / 60:.0f} min, {size * k / 2**30:.0f} GiB")
PY
