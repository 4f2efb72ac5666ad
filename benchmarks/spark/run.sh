#!/usr/bin/env bash
# Throughput of distributed feature extraction (`vificlip spark features`) with 1 and 2 executors, on a
# synthetic dataset (`vificlip synth`): what does a second executor add?
#
#   benchmarks/spark/run.sh [--local] [--copies K] [--classes C] [--videos-per-class N] [--weights W]
#                           [--input-size S] [--rounds R]
#
# Default: a real Spark standalone cluster on this machine (a master and a worker started here, from the
# Spark jars Maven resolved, stopped at the end), the driver in its own JVM and 1 or 2 executor JVMs of
# 1 core each (OMP_NUM_THREADS=1 in each), as on a cluster of 1-core machines. --local: master local[N]
# instead (N task slots in the driver's JVM, which share one model). Data: 10 classes x 12 videos, 40
# validation videos at 64x48, 8 frames at 32 px, listed --copies times (default 4), batch 4, the tiny CLIP of
# the test fixtures unless --weights. The time is the job's own, as `spark features` reports it (from the
# first task to the Parquet written: executor JVMs are up, the model loads inside it). Results in
# target/benchmarks/spark/results.tsv.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
classes=10; per_class=12; weights=""; size=32; rounds=1; copies=4; mode=standalone
while [ $# -gt 0 ]; do
  case "$1" in
    --local) mode=local; shift;;
    --copies) copies="$2"; shift 2;;
    --classes) classes="$2"; shift 2;;
    --videos-per-class) per_class="$2"; shift 2;;
    --weights) weights="$2"; shift 2;;
    --input-size) size="$2"; shift 2;;
    --rounds) rounds="$2"; shift 2;;
    -h|--help) sed -n '2,17p' "$0"; exit 0;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2;;
  esac
done

cd "$root"
source benchmarks/common.sh
cp="$(project_classpath)"   # all scopes: includes Spark, which target/lib leaves out
{ mvn -B -q -o package -DskipTests 2>/dev/null || mvn -B -q package -DskipTests; } >&2  # target/lib for the executors
if [ -z "$weights" ]; then
  weights="$(ls "$root"/src/test/fixtures/clip-tiny-a/*.pt | grep -v state_dict)"
fi
out="$root/target/benchmarks/spark"
mkdir -p "$out"
opens="$(sed -n 's:.*<spark.java17.opens>\(.*\)</spark.java17.opens>.*:\1:p' pom.xml)"
java_run=(env OMP_WAIT_POLICY=PASSIVE MALLOC_ARENA_MAX=2 java -Xmx1g $opens
          -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp")

data="$out/synth"
if [ ! -f "$data/config.yaml" ]; then
  "${java_run[@]}" org.vificlip.cli.Main synth --out "$data" --classes "$classes" --videos-per-class "$per_class" \
    --size 64x48 --frames 16 --seed 1 --input-size "$size" --num-frames 8 >/dev/null 2>&1
fi
for _ in $(seq 1 "$copies"); do cat "$data/val.txt"; done > "$data/val_copies.txt"

pids=()
stop_cluster() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap stop_cluster EXIT
if [ "$mode" = standalone ]; then
  # A Spark "installation" for the worker, which starts executors from $SPARK_HOME/jars: Spark's jars as
  # Maven resolved them (the `provided` class path), linked.
  spark_home="$out/spark-home"
  rm -rf "$spark_home" && mkdir -p "$spark_home/jars"
  mvn -B -q -o dependency:build-classpath -Dmdep.includeScope=provided -Dmdep.outputFile="$out/provided.txt" >/dev/null
  tr ':' '\n' < "$out/provided.txt" | while read -r jar; do ln -sf "$jar" "$spark_home/jars/"; done
  port=7177
  daemon=(env SPARK_HOME="$spark_home" SPARK_SCALA_VERSION=2.12 java -Xmx256m $opens -cp "$spark_home/jars/*")
  "${daemon[@]}" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port $port --webui-port 8190 \
    > "$out/master.log" 2>&1 & pids+=($!)
  sleep 8
  "${daemon[@]}" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 2 --memory 4g --webui-port 8191 \
    --work-dir "$out/work" "spark://127.0.0.1:$port" > "$out/worker.log" 2>&1 & pids+=($!)
  sleep 8
  master="spark://127.0.0.1:$port"
fi

results="$out/results.tsv"
printf 'mode\tround\texecutors\tvideos\tseconds\tvideos_per_s\tload_avg\n' > "$results"
for round in $(seq 1 "$rounds"); do
  for n in 1 2; do
    if [ "$mode" = standalone ]; then
      conf=(-Dspark.executor.extraClassPath="$root/target/vificlip.jar:$root/target/lib/*" -Dspark.executor.cores=1
            -Dspark.cores.max="$n" -Dspark.executor.memory=1g -Dspark.executorEnv.OMP_WAIT_POLICY=PASSIVE
            -Dspark.executorEnv.OMP_NUM_THREADS=1 -Dspark.executorEnv.MALLOC_ARENA_MAX=2)
      m="$master"
    else
      conf=(); m="local[$n]"
    fi
    line="$("${java_run[@]}" "${conf[@]}" org.vificlip.cli.Main spark features --master "$m" --partitions $((2 * n)) \
      --threads 1 --config "$data/config.yaml" --weights "$weights" --out "$out/features_$n.parquet" \
      --opts DATA.VAL_FILE "$data/val_copies.txt" TRAIN.BATCH_SIZE 4 2>"$out/features_$n.stderr" | grep ' videos of ')"
    fields="$(sed -n 's/^\([0-9]*\) videos of .* in \([0-9.]*\) s (\([0-9.]*\) videos\/s.*/\1\t\2\t\3/p' <<<"$line")"
    printf '%s\t%s\t%s\t%s\t%s\n' "$mode" "$round" "$n" "$fields" "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$results"
  done
done
echo "machine: $(nproc) cores; results in $results"
