#!/usr/bin/env bash
# Throughput of distributed feature extraction (`vificlip spark features`) with 1 and 2 local workers on a
# synthetic dataset (`vificlip synth`): does a second worker add throughput?
#
#   benchmarks/spark/run.sh [--videos-per-class N] [--classes C] [--weights W] [--input-size S] [--rounds R]
#
# Defaults: the tiny CLIP of the test fixtures (32 px), 10 classes x 12 videos (40 validation videos,
# listed 4 times: 160 entries), 8 frames, batch 4, 1 round. Each run is its own JVM with master local[N]
# (N task slots in one executor JVM; a local master has no separate executor processes) and
# --partitions 2N. The job's own time is measured by the command (from the first task to the Parquet
# written; JVM start and model loading on the driver are not in it). Results in target/benchmarks/spark/.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
classes=10; per_class=12; weights=""; size=32; rounds=1
while [ $# -gt 0 ]; do
  case "$1" in
    --classes) classes="$2"; shift 2;;
    --videos-per-class) per_class="$2"; shift 2;;
    --weights) weights="$2"; shift 2;;
    --input-size) size="$2"; shift 2;;
    --rounds) rounds="$2"; shift 2;;
    -h|--help) sed -n '2,14p' "$0"; exit 0;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2;;
  esac
done

cd "$root"
source benchmarks/common.sh
cp="$(project_classpath)"   # test scope: includes Spark, which target/lib leaves out
if [ -z "$weights" ]; then
  weights="$(ls src/test/fixtures/clip-tiny-a/*.pt | grep -v state_dict)"
fi
out="$root/target/benchmarks/spark"
mkdir -p "$out"
opens="$(sed -n 's:.*<spark.java17.opens>\(.*\)</spark.java17.opens>.*:\1:p' pom.xml)"
java_run=(env OMP_WAIT_POLICY=PASSIVE MALLOC_ARENA_MAX=2 java -Xmx1g $opens
          -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" org.vificlip.cli.Main)

data="$out/synth"
if [ ! -f "$data/config.yaml" ]; then
  "${java_run[@]}" synth --out "$data" --classes "$classes" --videos-per-class "$per_class" --size 64x48 \
    --frames 16 --seed 1 --input-size "$size" --num-frames 8 >/dev/null 2>&1
  # every validation video 4 times: enough work per run to dwarf Spark's job start-up
  for _ in 1 2 3 4; do cat "$data/val.txt"; done > "$data/val_x4.txt"
fi

results="$out/results.tsv"
printf 'round\tworkers\tvideos\tseconds\tvideos_per_s\n' > "$results"
for round in $(seq 1 "$rounds"); do
  for workers in 1 2; do
    line="$("${java_run[@]}" spark features --master "local[$workers]" --partitions $((2 * workers)) \
      --threads 2 --config "$data/config.yaml" --weights "$weights" --out "$out/features_$workers.parquet" \
      --opts DATA.VAL_FILE "$data/val_x4.txt" TRAIN.BATCH_SIZE 4 2>"$out/features_$workers.stderr" | grep ' videos of ')"
    videos="$(sed -n 's/^\([0-9]*\) videos of .* in \([0-9.]*\) s (\([0-9.]*\) videos\/s.*/\1/p' <<<"$line")"
    seconds="$(sed -n 's/^\([0-9]*\) videos of .* in \([0-9.]*\) s (\([0-9.]*\) videos\/s.*/\2/p' <<<"$line")"
    rate="$(sed -n 's/^\([0-9]*\) videos of .* in \([0-9.]*\) s (\([0-9.]*\) videos\/s.*/\3/p' <<<"$line")"
    printf '%s\t%s\t%s\t%s\t%s\n' "$round" "$workers" "$videos" "$seconds" "$rate" | tee -a "$results"
  done
done
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); results in $results"
