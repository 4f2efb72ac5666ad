#!/usr/bin/env bash
# Two builds of vificlip training in one JVM, alternating step for step (ab/SameJvmAB.java):
#
#   benchmarks/train/ab.sh REV_A REV_B [STEPS]      (git revisions; default STEPS 10)
#
# Builds each revision's classes in a worktree under target/ab/, then runs ViT-B/16, B=1, T=8, 10 prompts
# on both sides (two models: about 8 GB resident). Prints each step and the means after 2 warm-up steps.
# The worktrees stay registered with git; after `mvn clean`, `git worktree prune` forgets them.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
[ $# -ge 2 ] || { sed -n 2,8p "$0"; exit 2; }
a="$1"; b="$2"; steps="${3:-10}"
work="$root/target/ab"
mkdir -p "$work"
build() {
  local rev="$1" dir="$work/$1"
  if [ ! -d "$dir/target/classes" ]; then
    git -C "$root" worktree prune
    git -C "$root" worktree add -f --detach "$dir" "$rev" >/dev/null 2>&1
    (cd "$dir" && mvn -q -o compile) >&2
  fi
  echo "$dir/target/classes"
}
classes_a="$(build "$a")"; classes_b="$(build "$b")"
[ -d "$root/target/lib" ] || (cd "$root" && mvn -q -o package -DskipTests) >&2   # the jar's lib/ folder
cp="$(ls "$root"/target/lib/*.jar | tr '\n' ':')"
mkdir -p "$work/driver" "$work/runner"
javac -cp "$cp$classes_b" -d "$work/driver" "$root/benchmarks/train/ab/StepDriver.java"
javac -d "$work/runner" "$root/benchmarks/train/ab/SameJvmAB.java"
MALLOC_ARENA_MAX=2 OMP_NUM_THREADS="${OMP_NUM_THREADS:-$(nproc)}" java -Xmx8g \
  -Dorg.bytedeco.javacpp.maxbytes=20G -Dorg.bytedeco.javacpp.maxphysicalbytes=22G \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp$work/runner" \
  SameJvmAB "$steps" "$work/driver" "A:$a=$classes_a" "B:$b=$classes_b" 2>&1 | grep -v 'WARN.*Duplicate TF op mapping'
