#!/usr/bin/env bash
# run.sh: builds the HJ 212 fuzz target with clang-14 (libFuzzer, ASan, UBSan) and runs it.
# Usage: tests/fuzz/run.sh SECONDS   (CTest runs a short session; for 10 minutes: run.sh 600)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-20}
out="$root/build/fuzz"
mkdir -p "$out/corpus"
cp -n "$root"/tests/fuzz/corpus/hj212/* "$out/corpus/" 2>/dev/null || true
clang++-14 -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$root/src" -I/usr/include \
  "$root/tests/fuzz/hj212_fuzz.cpp" "$root/src/hj212/packet.cpp" "$root/src/hj212/crc.cpp" \
  -o "$out/hj212_fuzz"
"$out/hj212_fuzz" -max_total_time="$seconds" -max_len=4096 -timeout=5 -print_final_stats=1 \
  "$out/corpus" 2>&1 | tail -12
