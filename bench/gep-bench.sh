#!/usr/bin/env bash
# gep-bench: the ecosystem account's raster pass (every service, per township) on the Wushan demo
# rasters at CELL metres (10 m ≈ 30 M county cells per layer), side by side in one run with
#   - the machine's memory bandwidth (bench/membw.cpp: copy and read, 2 threads), giving the time
#     the pass's bytes would take just to stream through memory;
#   - a straightforward numpy version of the same formulas (bench/gep_numpy.py) on the same rasters,
#     whose county totals must agree with shanshui's;
# and shanshui's peak memory at 30 m and at CELL m (bounded by the tile, not the raster).
# The rasters are read as uncompressed tiled GeoTIFF (from the page cache) for the bandwidth figure,
# and as generated (deflate) for the time a user sees. Medians of REPEAT runs.
# Usage: bench/gep-bench.sh [CELL] [REPEAT]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cell=${1:-10}
repeat=${2:-3}
for b in shanshui gep_bench membw; do [ -x "$root/build/bin/$b" ] || "$root/scripts/build"; done
bin=$root/build/bin
dir=$(mktemp -d /tmp/shanshui-gep-bench.XXXXXX)
trap 'rm -rf "$dir"' EXIT
[ -n "${KEEP:-}" ] && trap - EXIT  # KEEP=1 leaves the rasters and the JSON of each run in $dir
db=$dir/bench.db
"$bin/shanshui" plan import "$root/data/plans/wushan-2023-2027.yaml" --db "$db" >/dev/null
"$bin/shanshui" demo layers --out "$dir/layers" --db "$db" >/dev/null
towns=$dir/layers/township.geojson
for c in 30 "$cell"; do
  [ -d "$dir/deflate-$c" ] || "$bin/shanshui" demo rasters --out "$dir/deflate-$c" --cell "$c" --years 2026 --db "$db" >&2
done
# Uncompressed, tiled 512 × 512 (the pass's tile): the bytes read are the bytes in memory.
mkdir -p "$dir/raw/2026"
(cd "$dir/deflate-$cell" && for f in dem.tif r_factor.tif k_factor.tif 2026/*.tif; do
  gdal_translate -q -co TILED=YES -co BLOCKXSIZE=512 -co BLOCKYSIZE=512 -co COMPRESS=NONE "$f" "$dir/raw/$f"
done)
cat "$dir"/raw/*.tif "$dir"/raw/2026/*.tif "$dir/deflate-$cell"/*.tif "$dir/deflate-$cell"/2026/*.tif >/dev/null  # page cache

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB, $(uname -r)" >&2
"$bin/membw" 2 >"$dir/membw.json"
# The floor for reading files at all: the same bytes through read() from the page cache, 2 readers.
/usr/bin/python3 - "$dir"/raw/*.tif "$dir"/raw/2026/*.tif >"$dir/pagecache.json" <<'EOF'
import json, sys, time
from concurrent.futures import ThreadPoolExecutor
def drain(path):
    n = 0
    with open(path, "rb", buffering=0) as f:
        while chunk := f.read(4 << 20):
            n += len(chunk)
    return n
t0 = time.perf_counter()
with ThreadPoolExecutor(2) as pool:
    total = sum(pool.map(drain, sys.argv[1:]))
print(json.dumps({"seconds": time.perf_counter() - t0, "bytes": total}))
EOF
profile=$root/data/gep/gep.yaml
"$bin/gep_bench" "$dir/raw" "$profile" "$towns" 2026 2 "$repeat" >"$dir/raw2.json"
"$bin/gep_bench" "$dir/raw" "$profile" "$towns" 2026 1 "$repeat" >"$dir/raw1.json"
"$bin/gep_bench" "$dir/deflate-$cell" "$profile" "$towns" 2026 2 "$repeat" >"$dir/deflate.json"
"$bin/gep_bench" "$dir/deflate-30" "$profile" "$towns" 2026 2 "$repeat" >"$dir/deflate30.json"
for i in $(seq "$repeat"); do /usr/bin/python3 "$root/bench/gep_numpy.py" "$dir/raw" "$root/data/gep" 2026; done >"$dir/numpy.json"

/usr/bin/python3 - "$dir" "$cell" <<'EOF'
import json, statistics, sys
d, cell = sys.argv[1], sys.argv[2]
load = lambda n: json.load(open(f"{d}/{n}.json"))
bw, raw2, raw1, defl, d30 = load("membw"), load("raw2"), load("raw1"), load("deflate"), load("deflate30")
numpy = [json.loads(l) for l in open(f"{d}/numpy.json")]
np_s = statistics.median(r["seconds"] for r in numpy)
# The pass reads each byte once from the page cache into its buffers: a copy (read + write).
bytes_ = raw2["bytes_read"]
t_bw = 2 * bytes_ / (bw["copy_gb_s"] * 1e9)
worst = max(abs(raw2["totals"][k] - numpy[0]["totals"][k]) / max(abs(numpy[0]["totals"][k]), 1e-300)
            for k in raw2["totals"])
print(f"{cell} m: {raw2['grid_cells']:,} grid cells, {raw2['county_cells']:,.0f} in the county; "
      f"{bytes_ / 1e9:.2f} GB read per run")
print(f"memory bandwidth (2 threads): copy {bw['copy_gb_s']} GB/s, read {bw['read_gb_s']} GB/s "
      f"-> {t_bw * 1e3:.1f} ms to stream the pass's bytes")
pc = load("pagecache")
print(f"reading the same files from the page cache (read(), 2 readers): {pc['bytes'] / pc['seconds'] / 1e9:.2f} GB/s "
      f"-> {bytes_ / (pc['bytes'] / pc['seconds']) * 1e3:.1f} ms for the pass's bytes")
print(f"shanshui, uncompressed, 2 threads: pass {raw2['pass_median_s']:.3f} s (run {raw2['median_s']:.3f} s) "
      f"= {raw2['pass_median_s'] / t_bw:.1f}x the bandwidth time; 1 thread {raw1['pass_median_s']:.3f} s")
print(f"shanshui, deflate as generated, 2 threads: pass {defl['pass_median_s']:.3f} s")
print(f"numpy (whole arrays, float64), same rasters: {np_s:.3f} s, peak {numpy[0]['peak_rss_mb']} MB "
      f"-> shanshui {np_s / raw2['median_s']:.1f}x faster (whole run, 2 threads), "
      f"{np_s / raw1['median_s']:.1f}x on 1 thread")
print(f"totals agree: worst relative difference {worst:.2e} over {', '.join(raw2['totals'])}")
print(f"peak memory: shanshui {d30['peak_rss_mb']} MB at 30 m, {defl['peak_rss_mb']} MB at {cell} m "
      f"({raw2['grid_cells'] / d30['grid_cells']:.1f}x the cells); numpy {numpy[0]['peak_rss_mb']} MB")
EOF
