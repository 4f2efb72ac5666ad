#!/usr/bin/env bash
# CLIP encoders, SameDiff (vificlip) against PyTorch on this machine, in the same run.
#
#   benchmarks/clip/run.sh [--threads N] [--warmup W] [--runs R] [--cases vit-b16,vit-b32,text]
#                          [--profile] [--skip-build] [--gemm-ceiling]
#
# Builds target/vificlip.jar, then for each case runs the PyTorch script and the Java bench one after
# the other (interleaved, so a change in the machine's load hits both sides alike), and prints
# ms, GFLOP/s and the ratio Java time / PyTorch time (goal <= 1.0). JSON in target/benchmarks/clip/.
# With --threads 1 it also prints the ratio of the calling thread's CPU times, which other processes
# on a shared machine barely disturb. --profile prints SameDiff's per-op times (stderr of the Java run).
# --gemm-ceiling instead prints the fastest single matrix products of each side on the encoders' shapes
# (gemm_ceiling.py, org.vificlip.bench.GemmCeiling): the ceiling under the ratios.
#
# Extra JVM options for the Java side: BENCH_JAVA_OPTS, e.g. BENCH_JAVA_OPTS=-Dvificlip.blasThreads=1.
# Needs Debian's python3-torch with OpenBLAS-OpenMP (see README.md next to this script).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
threads="$(nproc)"; warmup=2; runs=5; cases="vit-b16,vit-b32,text"; profile=""; build=1; ceiling=0
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2;;
    --warmup) warmup="$2"; shift 2;;
    --runs) runs="$2"; shift 2;;
    --cases) cases="$2"; shift 2;;
    --profile) profile="--profile"; shift;;
    --skip-build) build=0; shift;;
    --gemm-ceiling) ceiling=1; shift;;
    -h|--help) sed -n '2,16p' "$0"; exit 0;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2;;
  esac
done

cd "$root"
source benchmarks/common.sh
require_pytorch
if [ "$build" = 1 ]; then
  build_jar
fi
out="$root/target/benchmarks/clip"
mkdir -p "$out"

# One thread count for both sides: torch.set_num_threads on the Python side; ND4J and its OpenMP
# BLAS read OMP_NUM_THREADS when they start.
export OMP_NUM_THREADS="$threads"
if [ "$ceiling" = 1 ]; then
  "$python" "$here/gemm_ceiling.py" "$threads"
  java -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$root/target/vificlip.jar" org.vificlip.bench.GemmCeiling
  exit 0
fi
java_opts=(-Xmx4g -Dorg.bytedeco.javacpp.maxbytes=10G -Dorg.bytedeco.javacpp.maxphysicalbytes=14G
           -Dorg.slf4j.simpleLogger.defaultLogLevel=warn ${BENCH_JAVA_OPTS:-})

IFS=, read -r -a case_list <<< "$cases"
for c in "${case_list[@]}"; do
  echo "[$c] PyTorch, $threads thread(s) ..." >&2
  "$python" "$here/pytorch_clip_bench.py" --threads "$threads" --warmup "$warmup" --runs "$runs" \
      --cases "$c" --out "$out/pytorch-$c.json" > /dev/null
  echo "[$c] SameDiff, $threads thread(s) ..." >&2
  java "${java_opts[@]}" -cp "$root/target/vificlip.jar" org.vificlip.bench.ClipBench \
      --warmup "$warmup" --runs "$runs" --cases "$c" $profile --out "$out/samediff-$c.json" > /dev/null \
      2> >(tee "$out/samediff-$c.stderr" >&2)
done

"$python" - "$out" "$threads" "${case_list[@]}" <<'PY'
import json, sys
out, threads, cases = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def load(engine, case):
    d = json.load(open(f"{out}/{engine}-{case}.json"))
    return d, next(r for r in d["results"] if r["case"] == case)
rows, meta = [], {}
for c in cases:
    pd, p = load("pytorch", c)
    jd, j = load("samediff", c)
    meta = dict(torch=pd["torch_version"], blas=pd["libblas_so_3"], nd4j=jd["nd4j_native_flavour"],
                nd4j_threads=jd["omp_threads"], torch_threads=pd["threads"], load=jd["loadavg_at_end"])
    rows.append((c, p, j))
print(f"\nCLIP encoders, fp32, {threads} thread(s); PyTorch {meta['torch']} ({meta['torch_threads']} threads, "
      f"{meta['blas']}), SameDiff nd4j-native {meta['nd4j']} ({meta['nd4j_threads']} threads); "
      f"load average at end {' '.join(meta['load'])}")
head = f"{'case':9} {'GFLOP':>7} | {'PyTorch ms':>10} {'GFLOP/s':>7} | {'SameDiff ms':>11} {'GFLOP/s':>7} | {'ratio':>5}"
if threads == 1:
    head += f" | {'CPU ms torch':>12} {'CPU ms java':>11} {'CPU ratio':>9}"
print(head); print("-" * len(head))
for c, p, j in rows:
    line = (f"{c:9} {p['flops']/1e9:7.1f} | {p['ms']:10.0f} {p['gflops_per_s']:7.1f} | "
            f"{j['ms']:11.0f} {j['gflops_per_s']:7.1f} | {j['ms']/p['ms']:5.2f}")
    if threads == 1:
        line += (f" | {p['thread_cpu_ms']:12.0f} {j['thread_cpu_ms']:11.0f} "
                 f"{j['thread_cpu_ms']/p['thread_cpu_ms']:9.2f}")
    print(line)
print("ms = median of the timed runs (min in the JSON); ratio = SameDiff ms / PyTorch ms, goal <= 1.0")
PY
