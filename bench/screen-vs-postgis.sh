#!/usr/bin/env bash
# screen-vs-postgis: 三线一单 screening in shanshui (GEOS, STRtree over prepared geometries, one
# Screener per thread) against PostGIS 3.3 (GiST index, geometries stored in the same GK CM 111°E
# CRS) on the same layers — the Wushan demo layers with N control units — and the same sites.
# Both compute, per site, the overlap area with every layer and the nearest protected feature
# within 5 km; shanshui also applies the rules. Prints p50/p99/mean per site (one thread, one
# connection), shanshui's throughput on 2 threads, the ratio, and whether the overlap areas agree
# within 0.01 %. Starts a throwaway PostgreSQL cluster itself (as user postgres) and stops it.
# Usage: bench/screen-vs-postgis.sh [UNITS] [SITES]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
units=${1:-10000}
sites=${2:-2000}
for p in postgresql-15 postgresql-15-postgis-3 gdal-bin; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$p" >&2; }
done
[ -x "$root/build/bin/screen_bench" ] || "$root/scripts/build"
dir=$(mktemp -d /tmp/shanshui-screen-bench.XXXXXX)
chmod 755 "$dir"
pgbin=/usr/lib/postgresql/15/bin
port=$((20000 + RANDOM % 20000))
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() { as_pg "$pgbin/pg_ctl" -D "$dir/pg" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
[ -n "${KEEP:-}" ] && trap - EXIT

echo "shanshui: $units control units, $sites sites ($(nproc) cores, $(uname -r))"
"$root/build/bin/screen_bench" "$dir" "$units" "$sites" 2 | tee "$dir/shanshui.json"

mkdir "$dir/pg" && chown postgres "$dir/pg" 2>/dev/null || true
as_pg "$pgbin/initdb" -D "$dir/pg" -A trust -U postgres >/dev/null
as_pg "$pgbin/pg_ctl" -D "$dir/pg" -l "$dir/pg/log" -o "-p $port -k $dir/pg -c listen_addresses='' -c shared_buffers=256MB" -w start >/dev/null
psql=(psql -h "$dir/pg" -p "$port" -U postgres -X -q)
"${psql[@]}" -c "CREATE DATABASE bench" postgres
"${psql[@]}" -d bench -c "CREATE EXTENSION postgis"
ogr2ogr -f PostgreSQL "PG:host=$dir/pg port=$port user=postgres dbname=bench" "$dir/layers.gpkg" -lco GEOMETRY_NAME=geom -lco SPATIAL_INDEX=NONE
# One table of every feature in GK CM 111°E (EPSG:4546) with its kind, and a GiST index: the
# layout a PostGIS user would choose for this query.
tables=$("${psql[@]}" -d bench -At -c "SELECT f_table_name FROM geometry_columns WHERE f_table_schema = 'public'")
{
  echo "CREATE TABLE f (kind text, g geometry(Geometry, 4546));"
  for t in $tables; do echo "INSERT INTO f SELECT '${t%_*}', ST_Transform(geom, 4546) FROM \"$t\";"; done
  echo "CREATE INDEX f_g ON f USING gist (g); ANALYZE f;"
} | "${psql[@]}" -d bench
# Per site: overlap area per kind, and the nearest protected feature per kind within 5 km.
awk -v q="'" '{
  printf "WITH p AS (SELECT ST_Transform(ST_GeomFromText(%s%s%s, 4490), 4546) AS g) ", q, $0, q
  printf "SELECT %d, %sa%s, kind, SUM(ST_Area(ST_Intersection(f.g, p.g))) FROM f, p WHERE f.g && p.g AND ST_Intersects(f.g, p.g) GROUP BY kind ", NR - 1, q, q
  printf "UNION ALL SELECT %d, %sd%s, kind, MIN(ST_Distance(f.g, p.g)) FROM f, p WHERE kind IN (%secological_red_line%s, %snature_reserve%s, %sheritage_site%s, %swater_source%s, %spermanent_farmland%s, %sriver%s, %surban_boundary%s) AND ST_DWithin(f.g, p.g, 5000) AND NOT ST_Intersects(f.g, p.g) GROUP BY kind;\n", NR - 1, q, q, q, q, q, q, q, q, q, q, q, q, q, q, q, q
}' "$dir/sites.wkt" > "$dir/queries.sql"
( echo '\timing on'; cat "$dir/queries.sql" ) | "${psql[@]}" -d bench -At -F, > "$dir/postgis.out"
/usr/bin/python3 - "$dir" <<'PY'
import csv, json, statistics, sys
d = sys.argv[1]
s = json.load(open(f"{d}/shanshui.json"))
times, areas = [], {}
for line in open(f"{d}/postgis.out"):
    line = line.strip()
    if line.startswith("Time:"):
        times.append(float(line.split()[1]))
    elif line.count(",") == 3:
        site, what, kind, v = line.split(",")
        if what == "a":
            areas[(int(site), kind)] = float(v)
times.sort()
p50, p99 = times[len(times) // 2], times[min(len(times) - 1, int(0.99 * len(times)))]
mine = {(int(r["site"]), r["kind"]): float(r["area_m2"]) for r in csv.DictReader(open(f"{d}/shanshui-areas.csv"))}
worst, compared = 0.0, 0
for key in set(mine) | set(areas):
    a, b = mine.get(key, 0.0), areas.get(key, 0.0)
    if max(a, b) < 1:  # slivers under 1 m² (touching boundaries) are not compared
        continue
    compared += 1
    worst = max(worst, abs(a - b) / max(a, b))
print(f"PostGIS 3.3: {len(times)} sites, p50 {p50:.3f} ms, p99 {p99:.3f} ms, mean {statistics.mean(times):.3f} ms (one connection)")
print(f"shanshui   : p50 {s['p50_ms']:.3f} ms, p99 {s['p99_ms']:.3f} ms, mean {s['mean_ms']:.3f} ms (one thread); "
      f"{s['throughput_sites_per_s']} sites/s on {s['threads']} threads")
print(f"ratio PostGIS/shanshui: p50 {p50 / s['p50_ms']:.1f}x, p99 {p99 / s['p99_ms']:.1f}x, mean {statistics.mean(times) / s['mean_ms']:.1f}x")
print(f"overlap areas: {compared} site × kind pairs compared, largest relative difference {100 * worst:.5f} % "
      f"({'within' if worst <= 1e-4 else 'NOT within'} 0.01 %)")
PY
