#!/usr/bin/env bash
# One ViFi-CLIP training step (ViT-B/16, full fine-tuning, fp32): vificlip (SameDiff) against PyTorch on
# this machine, in the same run.
#
#   benchmarks/train/run.sh [--threads N] [--steps N] [--warmup W] [--rounds R]
#                           [--cases b1t8c10,b2t8c101,b4t16c400] [--variants plain,recompute,prompts]
#                           [--prompts N:D] [--skip-build]
#
# A case bBtTcC is B videos of T frames against all C class prompts (default cases b1t8c10,b2t8c101;
# b4t16c400 needs more memory than 24 GB machines have to spare, so it is opt-in). Per case and round
# the PyTorch side runs, then the Java side, each in its own process (alternating, so a change in the
# machine's load hits both alike; a side that runs out of memory or is killed is recorded as "OOM" /
# "killed" and the run goes on). Prints per case s/step, frames/s, peak RSS, RSS after step 5 and at the
# end, user and system CPU seconds, threads, and the ratios ours/PyTorch. JSON and a markdown table
# in target/benchmarks/train/. Defaults: threads = cores, 10 timed steps after 2 warm-up, 1 round.
#
# --variants: the Java side's ways of training, each run after PyTorch's default path in every round:
# plain (full fine-tuning, the default), recompute (full fine-tuning with activation recomputation,
# TRAIN.USE_CHECKPOINT) and prompts (bridge and prompt: only prompt tokens trained, N tokens to depth D
# on both sides, --prompts, default 10:12 as the few-shot configs) and prompts-recompute (both).
#
# BENCH_PYTORCH_VMEM_KB: an address-space limit (ulimit -v) for the PyTorch side, so that a case it cannot
# fit (b4t16c400) ends in its MemoryError ("OOM") instead of the kernel's OOM killer taking the machine.
#
# Extra JVM options for the Java side: BENCH_JAVA_OPTS (they come last, so they override the defaults).
# Testing only: --arch tiny (or vit-b32) runs both sides on a small model, e.g. to check the scripts.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
threads="$(nproc)"; steps=10; warmup=2; rounds=1; cases="b1t8c10,b2t8c101"; build=1; arch=vit-b16
variants="plain"; prompts="10:12"
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2;;
    --steps) steps="$2"; shift 2;;
    --warmup) warmup="$2"; shift 2;;
    --rounds) rounds="$2"; shift 2;;
    --cases) cases="$2"; shift 2;;
    --arch) arch="$2"; shift 2;;
    --variants) variants="$2"; shift 2;;
    --prompts) prompts="$2"; shift 2;;
    --skip-build) build=0; shift;;
    -h|--help) sed -n '2,26p' "$0"; exit 0;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2;;
  esac
done

cd "$root"
source benchmarks/common.sh
require_pytorch
if [ "$build" = 1 ]; then
  build_jar
fi
out="$root/target/benchmarks/train"
mkdir -p "$out"

# One thread count for both sides: torch.set_num_threads on the Python side; ND4J and its OpenMP
# BLAS read OMP_NUM_THREADS when they start.
export OMP_NUM_THREADS="$threads"
# ViT-B/16 training held up to ~20 GB off-heap before the backward pass freed its arrays (activations, gradients, AdamW
# moments); JavaCPP's limits must be above that or it throws OutOfMemoryError itself.
java_opts=(-Xmx4g -Dorg.bytedeco.javacpp.maxbytes=20G -Dorg.bytedeco.javacpp.maxphysicalbytes=22G
           -Dorg.slf4j.simpleLogger.defaultLogLevel=warn ${BENCH_JAVA_OPTS:-})
# glibc arenas: as the README says to run training (flat resident memory; see MemoryReclaimer)
bench=(env MALLOC_ARENA_MAX=2 java "${java_opts[@]}" -cp "$root/target/vificlip.jar" org.vificlip.bench.TrainBench)

# Runs one side; on failure writes {"status": "OOM" | "killed" | "failed (rc N)"} unless the side wrote
# its own JSON (both do on an out-of-memory error they can catch: status "OOM", exit status 3).
run_side() {
  local json="$1"; shift
  local log="${json%.json}.stderr" rc=0
  rm -f "$json"
  set +e +o pipefail
  "$@" --out "$json" 2>&1 > /dev/null | tee "$log" >&2   # stderr: a line per step
  rc="${PIPESTATUS[0]}"
  set -e -o pipefail
  if [ "$rc" != 0 ] && [ ! -s "$json" ]; then
    local status="failed (rc $rc)"
    if [ "$rc" -ge 128 ]; then
      status="killed"   # by a signal; SIGKILL (rc 137) is what the kernel's OOM killer sends
    fi
    if grep -qE "OutOfMemoryError|MemoryError|can't allocate memory|Cannot allocate" "$log"; then
      status="OOM"
    fi
    printf '{"status": "%s", "rc": %d}\n' "$status" "$rc" > "$json"
    echo "  -> $status" >&2
  fi
}

IFS=, read -r -a case_list <<< "$cases"
IFS=, read -r -a variant_list <<< "$variants"
for v in "${variant_list[@]}"; do
  case "$v" in plain|recompute|prompts|prompts-recompute) ;;
    *) echo "bad variant '$v': plain, recompute, prompts or prompts-recompute" >&2; exit 2;; esac
done
for c in "${case_list[@]}"; do
  if ! [[ "$c" =~ ^b([0-9]+)t([0-9]+)c([0-9]+)$ ]]; then
    echo "bad case '$c': expected bBtTcC, e.g. b2t8c101" >&2; exit 2
  fi
  b="${BASH_REMATCH[1]}"; t="${BASH_REMATCH[2]}"; n="${BASH_REMATCH[3]}"
  # the class prompts' token ids, made by the Java tokenizer so both sides train on the same ids
  tokens="$out/tokens-c$n.json"
  "${bench[@]}" --classes "$n" --labels "$here" --tokens-out "$tokens"
  args=(--batch "$b" --frames "$t" --classes "$n" --steps "$steps" --warmup "$warmup" --arch "$arch")
  for ((r = 1; r <= rounds; r++)); do
    echo "[$c round $r] PyTorch, $threads thread(s) ..." >&2
    run_side "$out/pytorch-$c-r$r.json" bash -c 'if [ -n "${BENCH_PYTORCH_VMEM_KB:-}" ]; then ulimit -v "$BENCH_PYTORCH_VMEM_KB"; fi; exec "$@"' _ \
        "$python" "$here/pytorch_train_bench.py" --threads "$threads" \
        --tokens "$tokens" "${args[@]}"
    for v in "${variant_list[@]}"; do
      echo "[$c round $r] SameDiff ($v), $threads thread(s) ..." >&2
      case "$v" in
        plain) run_side "$out/samediff-$c-r$r.json" "${bench[@]}" --labels "$here" "${args[@]}";;
        recompute) run_side "$out/samediff-recompute-$c-r$r.json" "${bench[@]}" --labels "$here" "${args[@]}" --recompute;;
        prompts) run_side "$out/samediff-prompts-$c-r$r.json" "${bench[@]}" --labels "$here" "${args[@]}" --prompts "$prompts";;
        prompts-recompute) run_side "$out/samediff-prompts-recompute-$c-r$r.json" "${bench[@]}" --labels "$here" "${args[@]}" \
            --prompts "$prompts" --recompute;;
      esac
    done
  done
done

"$python" "$here/summarize.py" --dir "$out" --rounds "$rounds" --threads "$threads" --arch "$arch" \
    --variants "$variants" "${case_list[@]}"
