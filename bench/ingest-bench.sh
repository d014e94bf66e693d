#!/usr/bin/env bash
# ingest-bench: end-to-end durable ingest on this machine — `shanshui serve` (synchronous=FULL:
# a reply leaves only after its frame is on disk) against `shanshui simulate` with N air stations
# on loopback sending hourly frames (6 values each, Flag=5) and waiting for their 9014 replies.
# Prints the simulator's acknowledged values per second for each run and the median.
# Usage: bench/ingest-bench.sh [STATIONS] [HOURS] [RUNS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
stations=${1:-500}
hours=${2:-240}
runs=${3:-3}
cli="$root/build/bin/shanshui"
[ -x "$cli" ] || "$root/scripts/build"
dir="$root/var/bench"
mkdir -p "$dir"
results=()
for i in $(seq "$runs"); do
  db="$dir/ingest.db"
  rm -f "$db" "$db-wal" "$db-shm"
  port=$((20000 + RANDOM % 20000))
  "$cli" serve --db "$db" --hj212-port "$port" --hj212-max-per-address 5000 2> "$dir/serve.log" &
  server=$!
  sleep 0.5
  out=$("$cli" simulate --db "$db" --register --port "$port" --air "$stations" --hours "$hours" --window 16 --json)
  kill "$server"
  wait "$server" || true
  stored=$(sqlite3 "$db" "SELECT count(*) FROM observations")
  vps=$(python3 -c "import json,sys; print(round(json.loads(sys.argv[1])['values_per_second']))" "$out")
  echo "run $i: $out; stored $stored values"
  results+=("$vps")
done
printf '%s\n' "${results[@]}" | sort -n | awk '{a[NR]=$1} END {print "median acknowledged-and-stored values/s: " a[int((NR+1)/2)]}'
