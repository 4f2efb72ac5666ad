#!/usr/bin/env bash
# AVI / MPEG-4 Part 2 benchmarks: our decoding next to FFmpeg on the same files in the same run, and the cost
# of reading the 8 test-mode frames of a clip. See benchmarks/avi/README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
FIXTURES="${FIXTURES_VIDEOS:-src/test/fixtures/videos}"
OUT=benchmarks/out/avi

source benchmarks/common.sh
require_ffmpeg

CP="$(project_classpath)"

# UCF-101-like clips: 7 s of 320x240 at 25 fps made with libxvid from ffmpeg's busy testsrc2 pattern.
# ucf_like_xvid.avi: Simple Profile, one key frame for the whole clip (-g 300: the worst case for sampling),
# so sampling 8 frames decodes the clip up to the last of them. hmdb_like_bframes.avi: 2 B-frames, packed
# bitstream with N-VOP placeholders (how B-frames are stored in AVI), key frame every 12 frames.
mkdir -p "$OUT"
if [ ! -s "$OUT/ucf_like_xvid.avi" ]; then
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=320x240:rate=25 -t 7 \
    -c:v libxvid -q:v 4 -g 300 "$OUT/ucf_like_xvid.avi"
fi
if [ ! -s "$OUT/hmdb_like_bframes.avi" ]; then
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=320x240:rate=25 -t 7 \
    -c:v libxvid -q:v 4 -bf 2 -g 12 "$OUT/hmdb_like_bframes.avi"
fi

echo "== machine: $(nproc) cores, $(java -version 2>&1 | head -1), $(ffmpeg -version | head -1 | cut -d' ' -f1-3)"
java -Xmx1g -cp "$CP" org.vificlip.bench.AviBench "$FIXTURES"/*.avi "$OUT/ucf_like_xvid.avi" "$OUT/hmdb_like_bframes.avi"
