#!/usr/bin/env bash
# Which nd4j-native build is fastest here: runs org.vificlip.bench.ClipBench with each native flavour
# swapped into the class path (only that one present), at 1 and 2 threads, and prints one line each.
#
#   benchmarks/clip/flavours.sh [--cases vit-b16] [--warmup 1] [--runs 5] [--threads "1 2"]
#                               [--flavours "linux-x86_64 linux-x86_64-onednn-avx2 linux-x86_64-onednn-avx512"]
#
# Needs target/vificlip.jar and target/lib (mvn -B -q package -DskipTests). Missing flavour jars are
# fetched from Maven Central into ~/.m2 with mvn dependency:get (about 350 MB each).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cases="vit-b16"; warmup=1; runs=5; thread_counts="1 2"
flavours="linux-x86_64 linux-x86_64-onednn-avx2 linux-x86_64-onednn-avx512"
while [ $# -gt 0 ]; do
  case "$1" in
    --cases) cases="$2"; shift 2;;
    --warmup) warmup="$2"; shift 2;;
    --runs) runs="$2"; shift 2;;
    --threads) thread_counts="$2"; shift 2;;
    --flavours) flavours="$2"; shift 2;;
    -h|--help) sed -n '2,9p' "$0"; exit 0;;
    *) echo "unknown option: $1" >&2; exit 2;;
  esac
done
version=1.0.0-M2.1
m2="${HOME}/.m2/repository/org/nd4j/nd4j-native/$version"
out="$root/target/benchmarks/clip/flavours"
mkdir -p "$out"
# everything the jar needs except the native nd4j builds
# target/classes, not the jar: the jar's manifest Class-Path would bring lib/ back in, every flavour included
base="$root/target/classes"
for jar in "$root"/target/lib/*.jar; do
  case "$(basename "$jar")" in nd4j-native-$version-linux-*) continue;; esac
  base="$base:$jar"
done
for flavour in $flavours; do
  jar="$m2/nd4j-native-$version-$flavour.jar"
  [ -f "$jar" ] || mvn -B -q dependency:get -Dartifact="org.nd4j:nd4j-native:$version:jar:$flavour" >&2
  for t in $thread_counts; do
    # own JavaCPP cache per flavour, so no extracted library of another run can be picked up
    OMP_NUM_THREADS="$t" java -Xmx4g -Dorg.bytedeco.javacpp.maxbytes=10G \
        -Dorg.bytedeco.javacpp.cachedir="$out/cache-$flavour" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
        -cp "$base:$jar" org.vificlip.bench.ClipBench --cases "$cases" --warmup "$warmup" --runs "$runs" \
        --out "$out/$flavour-$t.json" > /dev/null
    python3 - "$out/$flavour-$t.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for r in d["results"]:
    print(f"{d['nd4j_native_flavour']:28} threads {d['omp_threads']}  {r['case']:8} "
          f"median {r['ms']:8.0f} ms  min {r['min_ms']:8.0f} ms  thread CPU {r['thread_cpu_ms']:8.0f} ms  "
          f"{r['gflops_per_s']:6.1f} GFLOP/s  load {' '.join(d['loadavg_at_end'])}")
PY
  done
done
