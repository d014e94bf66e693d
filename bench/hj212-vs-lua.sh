#!/usr/bin/env bash
# hj212-vs-lua: shanshui's HJ 212 decoder side by side with an open-source parser,
# srdgame/lua-HJ212 (Lua 5.3; needs kikito/middleclass and Tieske/date), on the same frames.
# The parsers' code is not part of this repository: pass the three repositories (git directories
# or checkouts, e.g. from the search tool's fetch). Only this timing script is ours.
# Usage: bench/hj212-vs-lua.sh LUA_HJ212 MIDDLECLASS DATE [FRAMES]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 3 ] || { echo "usage: $0 LUA_HJ212 MIDDLECLASS DATE [FRAMES]" >&2; exit 2; }
frames=${4:-20000}
cli="$root/build/bin/shanshui"
[ -x "$cli" ] || "$root/scripts/build"
command -v lua5.3 >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq lua5.3 >&2; }
work="$root/var/bench/lua-hj212"
rm -rf "$work" && mkdir -p "$work"
export_tree() {  # repo → files in $work (a git dir is exported at HEAD)
  if [ -d "$1/objects" ]; then git --git-dir="$1" archive HEAD | tar x -C "$2"; else cp -r "$1"/. "$2"; fi
}
export_tree "$1" "$work"
mkdir -p "$work/_mc" "$work/_date"
export_tree "$2" "$work/_mc" && cp "$work/_mc/middleclass.lua" "$work/"
export_tree "$3" "$work/_date" && cp "$work/_date/src/date.lua" "$work/"

# The same frames for both: typical hourly air frames (CN 2061, six pollutants), distinct QNs and
# values, with correct Annex A CRCs and CR LF.
/usr/bin/python3 - "$work/frames.txt" "$frames" <<'PY'
import sys
def crc(b):
    reg = 0xFFFF
    for x in b:
        reg = (reg >> 8) ^ x
        for _ in range(8):
            l = reg & 1; reg >>= 1
            if l: reg ^= 0xA001
    return "%04X" % reg
out = []
for i in range(int(sys.argv[2])):
    h = i % 24; d = 1 + (i // 24) % 28
    seg = (f"QN=202401{d:02d}{h:02d}0000{i % 1000:03d};ST=22;CN=2061;PW=123456;MN=SIMA{i % 500:05d};Flag=5;"
           f"CP=&&DataTime=202401{d:02d}{h:02d}0000;a21026-Avg={5 + i % 7},a21026-Flag=N;a21004-Avg={20 + i % 11},a21004-Flag=N;"
           f"a34002-Avg={40 + i % 30},a34002-Flag=N;a21005-Avg=0.{50 + i % 40},a21005-Flag=N;a05024-Avg={60 + i % 50},a05024-Flag=N;"
           f"a34004-Avg={25 + i % 20},a34004-Flag=N&&")
    b = seg.encode()
    out.append(f"##{len(b):04d}{seg}{crc(b)}\r\n")
open(sys.argv[1], "w").write("".join(out))
PY
cat > "$work/time.lua" <<'LUA'
package.path = './?.lua;' .. package.path
local packet = require 'hj212.packet'
local f = io.open(arg[1], 'rb'); local raw = f:read('a'); f:close()
local frames = {}
for line in raw:gmatch('([^\r\n]+)\r\n') do frames[#frames + 1] = line .. '\r\n' end
local t0, ok = os.clock(), 0
for i = 1, #frames do
  if packet.parse(frames[i], 1, function() end) then ok = ok + 1 end
end
local dt = os.clock() - t0
print(string.format('%d %d %.6f', #frames, ok, dt))
LUA
read -r total lua_ok lua_s < <(cd "$work" && lua5.3 time.lua frames.txt)
start=$(date +%s.%N)
ss_ok=$("$cli" hj212 decode < "$work/frames.txt" | grep -c '"ok":true' || true)
end=$(date +%s.%N)
core=$("$root/build/bin/hj212_bench" --benchmark_filter=DecodeHourly --benchmark_min_time=0.5 2>/dev/null | awk '/BM_Decode/ {print $2}')
/usr/bin/python3 - "$total" "$lua_ok" "$lua_s" "$ss_ok" "$start" "$end" "$core" <<'PY'
import sys
total, lua_ok, lua_s, ss_ok, start, end, core_ns = sys.argv[1:]
total, lua_ok, ss_ok = int(total), int(lua_ok), int(ss_ok)
lua_s, cli_s, core_ns = float(lua_s), float(end) - float(start), float(core_ns)
print(f"frames: {total}; accepted by lua-HJ212: {lua_ok}, by shanshui: {ss_ok}")
print(f"lua-HJ212 packet.parse (Lua 5.3, in-process):      {total / lua_s:12,.0f} frames/s")
print(f"shanshui hj212 decode (CLI, JSON line per frame):  {total / cli_s:12,.0f} frames/s  ({lua_s / cli_s:.1f}x)")
print(f"shanshui decode_frame (in-process, one core):      {1e9 / core_ns:12,.0f} frames/s  ({lua_s / total * 1e9 / core_ns:.0f}x)")
PY
