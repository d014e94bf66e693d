#!/usr/bin/env bash
# http-load.sh: wrk against the overview API (/api/progress) and a target page (/api/targets/…)
# with 200 concurrent connections while 500 simulated stations send HJ 212 hourly data to the
# same process; side by side with the response cache off (every request rebuilds the view).
# Prints p50/p99 latency and requests/s per run, and the ingest rate during the run.
# Usage: bench/http-load.sh [seconds per wrk run, default 20]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cli="$root/build/bin/shanshui"
secs=${1:-20}
work=$(mktemp -d /tmp/shanshui-load.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

db="$work/load.db"
"$cli" plan import --db "$db" "$root/data/plans/wushan-2023-2027.yaml" >/dev/null
"$cli" measure import --db "$db" "$root/data/demo/measurements.csv" 2>/dev/null
"$cli" report submit --claim-reported-at --db "$db" "$root/data/demo/reports.csv" 2>/dev/null
"$cli" station import --db "$db" "$root/data/demo/stations.csv" 2>/dev/null

run() {  # label, serve flags… (WRK_HEADER: an extra request header, e.g. Accept-Encoding)
  local label=$1; shift
  local http hj
  http=$(free_port); hj=$(free_port)
  "$cli" serve --db "$db" --http-port "$http" --hj212-port "$hj" --hj212-max-per-address 5000 --http-max-per-address 5000 "$@" 2>"$work/serve.log" &
  local server=$!
  sleep 1
  # 500 stations (300 air, 150 water, 50 noise), each sending an hourly frame every 0.5 s —
  # about 1,000 frames and 5,000 values a second, for longer than the two wrk runs.
  local hours=$(( (2 * secs + 10) * 2 ))
  "$cli" simulate --db "$db" --port "$hj" --air 300 --water 150 --noise 50 --register --rate 2 \
    --hours "$hours" --mn-prefix "L$label" --json >"$work/sim.json" 2>/dev/null &
  local sim=$!
  sleep 3
  for path in /api/progress /api/targets/forest_coverage; do
    wrk -t2 -c200 -d"${secs}s" --latency ${WRK_HEADER:+-H "$WRK_HEADER"} "http://127.0.0.1:$http$path" >"$work/wrk.txt"
    local p50 p99 rps
    p50=$(awk '$1=="50%"{print $2}' "$work/wrk.txt")
    p99=$(awk '$1=="99%"{print $2}' "$work/wrk.txt")
    rps=$(awk '/^Requests\/sec/{print $2}' "$work/wrk.txt")
    local errors
    errors=$(awk '/Non-2xx|Socket errors/{print}' "$work/wrk.txt" | tr '\n' ' ')
    printf '%-10s %-32s p50 %-9s p99 %-9s %9s req/s %s\n' "$label" "$path" "$p50" "$p99" "$rps" "$errors"
  done
  kill "$sim" 2>/dev/null || true
  wait "$sim" 2>/dev/null || true
  kill "$server"
  wait "$server" 2>/dev/null || true
}

echo "wrk -t2 -c200 -d${secs}s, 500 HJ 212 stations sending; $(nproc) cores"
run cached ${SERVE_FLAGS:-}
[ -n "${ONLY_CACHED:-}" ] || WRK_HEADER="Accept-Encoding: gzip, deflate, br" run gzip ${SERVE_FLAGS:-}
[ -n "${ONLY_CACHED:-}" ] || run uncached --no-cache ${SERVE_FLAGS:-}
# HJ 212 values stored while the HTTP load ran (both runs), from the database.
python3 - "$db" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
n, first, last = c.execute("SELECT count(*), min(received_at), max(received_at) FROM observations").fetchone()
print(f"HJ 212 values stored during the runs: {n} (received {first} … {last})")
EOF
