#!/usr/bin/env bash
# air-bench: `shanshui air assess` against a pandas implementation of the same rules, side by
# side on one generated year of hourly data for N stations (default 2,000 ≈ 17.5 M station-hours).
# Prints wall time and peak memory of each run, the medians, the ratio, and how many station
# results the two implementations disagree on. Usage: bench/air-bench.sh [STATIONS] [RUNS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
stations=${1:-2000}
runs=${2:-3}
cli="$root/build/bin/shanshui"
[ -x "$cli" ] || "$root/scripts/build"
dpkg-query -W -f='${Status}' python3-pandas 2>/dev/null | grep -q "install ok installed" ||
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-pandas >&2; }
dir="$root/var/bench"
mkdir -p "$dir"
data="$dir/air-${stations}x2024.csv"
[ -s "$data" ] || "$cli" demo air --stations "$stations" --from 2024-01-01 --to 2024-12-31 --out "$data"
echo "data: $data ($(du -h "$data" | cut -f1), $(($(wc -l < "$data") - 1)) rows); machine: $(nproc) cores, $(uname -r)"

measure() {  # label, command... → appends "seconds kilobytes" to $dir/$label.times
  local label=$1
  shift
  /usr/bin/time -f "%e %M" -o "$dir/$label.last" "$@" > /dev/null
  cat "$dir/$label.last" >> "$dir/$label.times"
  echo "  $label: $(cut -d' ' -f1 "$dir/$label.last") s, $(($(cut -d' ' -f2 "$dir/$label.last") / 1024)) MB peak"
}
rm -f "$dir"/*.times
for i in $(seq "$runs"); do
  echo "run $i"
  measure shanshui "$cli" air assess --input "$data" --json
  measure pandas /usr/bin/python3 "$root/bench/air_assess_pandas.py" "$data" "$dir/pandas.json"
done
"$cli" air assess --input "$data" --json > "$dir/shanshui.json"
/usr/bin/python3 - "$dir" <<'PY'
import json, statistics, sys
d = sys.argv[1]
def med(label):
    rows = [tuple(map(float, l.split())) for l in open(f"{d}/{label}.times")]
    return statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows) / 1024
s, p = med("shanshui"), med("pandas")
print(f"median: shanshui {s[0]:.2f} s {s[1]:.0f} MB; pandas {p[0]:.2f} s {p[1]:.0f} MB; ratio {p[0] / s[0]:.1f}x")
a = {(x["station"], x["year"]): x for x in json.load(open(f"{d}/shanshui.json"))["stations"]}
b = {(x["station"], x["year"]): x for x in json.load(open(f"{d}/pandas.json"))["stations"]}
keys = ["valid_days", "good_days", "good_days_ratio", "pm25_annual", "pm10_annual", "so2_annual", "no2_annual", "co_p95", "o3_8h_p90"]
diff = [(k, f) for k in a for f in keys if k in b and a[k][f] != b[k][f]]
print(f"agreement: {len(a)} station-years, {len(diff)} differing values", diff[:5])
PY
