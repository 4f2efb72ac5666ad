#!/usr/bin/env bash
# The fastest single matrix products on this machine, PyTorch (torch.mm) and ND4J (libnd4j's matmul op),
# on the shapes of ViT-B/16 and ViT-B/32 over 8 frames: the ceiling under the encoders' ratios.
#
#   benchmarks/clip/gemm_ceiling.sh [--threads N] [--skip-build]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
threads="$(nproc)"; build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2;;
    --skip-build) build=0; shift;;
    -h|--help) sed -n '2,5p' "$0"; exit 0;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2;;
  esac
done
cd "$root"
source benchmarks/common.sh
require_pytorch
if [ "$build" = 1 ]; then
  build_jar
fi
export OMP_NUM_THREADS="$threads"
"$python" "$here/gemm_ceiling.py" "$threads"
java -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp target/vificlip.jar org.vificlip.bench.GemmCeiling
