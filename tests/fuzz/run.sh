#!/usr/bin/env bash
# run.sh: builds the fuzz targets with clang-14 (libFuzzer, ASan, UBSan) and runs each in turn:
# hj212 (the frame codec and stream scanner, inputs up to 24 KB: past the largest frame), http (the
# request parser and the JSON shape check), sta_filter (the SensorThings $filter) and sta_request (its
# resource paths and query options, $expand nested).
# Usage: tests/fuzz/run.sh SECONDS   (per target; CTest runs a short session; for 10 minutes: run.sh 600)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-20}
out="$root/build/fuzz"
flags=(-std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I"$root/src" -I/usr/include)
mkdir -p "$out/corpus-hj212" "$out/corpus-http" "$out/corpus-sta" "$out/corpus-sta-request"
cp -n "$root"/tests/fuzz/corpus/hj212/* "$out/corpus-hj212/" 2>/dev/null || true
cp -n "$root"/tests/fuzz/corpus/http/* "$out/corpus-http/" 2>/dev/null || true
cp -n "$root"/tests/fuzz/corpus/sta/* "$out/corpus-sta/" 2>/dev/null || true
cp -n "$root"/tests/fuzz/corpus/sta-request/* "$out/corpus-sta-request/" 2>/dev/null || true
clang++-14 "${flags[@]}" "$root/tests/fuzz/hj212_fuzz.cpp" "$root/src/hj212/packet.cpp" "$root/src/hj212/crc.cpp" \
  -o "$out/hj212_fuzz"
clang++-14 "${flags[@]}" "$root/tests/fuzz/http_fuzz.cpp" "$root/src/http/wire.cpp" -o "$out/http_fuzz"
clang++-14 "${flags[@]}" "$root/tests/fuzz/sta_filter_fuzz.cpp" "$root/src/service/sta_filter.cpp" \
  "$root/src/core/civil_time.cpp" -o "$out/sta_filter_fuzz"
clang++-14 "${flags[@]}" "$root/tests/fuzz/sta_request_fuzz.cpp" "$root/src/service/sta_path.cpp" \
  "$root/src/service/sta_query.cpp" "$root/src/service/sta_filter.cpp" "$root/src/core/civil_time.cpp" \
  "$root/src/core/text.cpp" -lcrypto -o "$out/sta_request_fuzz"
"$out/hj212_fuzz" -max_total_time="$seconds" -max_len=24576 -timeout=5 -print_final_stats=1 \
  "$out/corpus-hj212" 2>&1 | tail -6
"$out/http_fuzz" -max_total_time="$seconds" -max_len=8192 -timeout=5 -print_final_stats=1 \
  "$out/corpus-http" 2>&1 | tail -6
"$out/sta_filter_fuzz" -max_total_time="$seconds" -max_len=4200 -timeout=5 -print_final_stats=1 \
  "$out/corpus-sta" 2>&1 | tail -6
"$out/sta_request_fuzz" -max_total_time="$seconds" -max_len=4200 -timeout=5 -print_final_stats=1 \
  "$out/corpus-sta-request" 2>&1 | tail -6
