#!/usr/bin/env bash
# ingest-compare: durable end-to-end ingest (as bench/ingest-bench.sh) of two shanshui binaries,
# interleaved run by run on this machine so both see the same noise: A B A B … Prints each run's
# acknowledged-and-stored values per second and both medians with their ratio.
# Usage: bench/ingest-compare.sh OLD_BIN NEW_BIN [STATIONS] [HOURS] [RUNS]
#   e.g. git worktree add /tmp/old <commit> && cmake --preset default -S /tmp/old && cmake --build /tmp/old/build
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
old=$1 new=$2
stations=${3:-500}
hours=${4:-240}
runs=${5:-5}
dir="$root/var/bench"
mkdir -p "$dir"
one() {  # binary → values/s
  local cli=$1 db="$dir/compare.db" port=$((20000 + RANDOM % 20000))
  rm -f "$db" "$db-wal" "$db-shm"
  "$cli" serve --db "$db" --hj212-port "$port" --hj212-max-per-address 5000 2> "$dir/serve.log" &
  local server=$!
  sleep 0.5
  local out
  out=$("$cli" simulate --db "$db" --register --port "$port" --air "$stations" --hours "$hours" --window 16 --json)
  kill "$server"
  wait "$server" || true
  python3 -c "import json,sys; print(round(json.loads(sys.argv[1])['values_per_second']))" "$out"
}
a=() b=()
for i in $(seq "$runs"); do
  a+=("$(one "$old")")
  b+=("$(one "$new")")
  echo "run $i: old ${a[-1]} values/s, new ${b[-1]} values/s"
done
python3 - "${a[*]}" "${b[*]}" <<'PY'
import statistics, sys
a = [int(x) for x in sys.argv[1].split()]
b = [int(x) for x in sys.argv[2].split()]
ma, mb = statistics.median(a), statistics.median(b)
print(f"median old {ma:.0f} values/s, new {mb:.0f} values/s, new/old = {mb / ma:.3f}")
PY
