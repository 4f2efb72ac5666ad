#!/usr/bin/env bash
# Video input benchmarks: JCodec H.264 decoding next to FFmpeg on the same files in the same run, and the
# batch loader's throughput with 1 and 2 decoding threads. See benchmarks/video/README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
FIXTURES="${FIXTURES_VIDEOS:-src/test/fixtures/videos}"

source benchmarks/common.sh
require_ffmpeg

CP="$(project_classpath)"
JAVA=(java -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" org.vificlip.bench.VideoBench)

H264=()
for f in "$FIXTURES"/*.mp4; do
  case "$(basename "$f")" in bad_*) continue ;; esac
  H264+=("$f")
done
AVI=()
for f in "$FIXTURES"/*.avi; do [ -e "$f" ] && AVI+=("$f"); done

# A Kinetics-like clip (10 s, 340x256, 30 fps, High profile, 3 B-frames, key frame every 250 frames, as
# x264's defaults give): what sampling 8 frames costs on a real dataset video, where the key frame before
# the last wanted frame is far back. Made once with ffmpeg's testsrc2 pattern (busy, so a hard case).
KINETICS_LIKE=target/bench-videos/kinetics_like_10s.mp4
if [ ! -s "$KINETICS_LIKE" ]; then
  mkdir -p target/bench-videos
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=340x256:rate=30 -t 10 \
    -c:v libx264 -profile:v high -bf 3 -g 250 -pix_fmt yuv420p "$KINETICS_LIKE"
fi

echo "== machine: $(nproc) cores, $(java -version 2>&1 | head -1), $(ffmpeg -version | head -1 | cut -d' ' -f1-3)"
echo "== decoding, one thread, whole clip (frames/s; x = ours / ffmpeg)"
"${JAVA[@]}" decode "${H264[@]}" "$KINETICS_LIKE"
# AVI files decode only once an AVI format is registered in VideoReaders; skipped otherwise.
if [ "${#AVI[@]}" -gt 0 ] && "${JAVA[@]}" decode "${AVI[0]}" >/dev/null 2>&1; then
  "${JAVA[@]}" decode "${AVI[@]}" | tail -n +2
fi
echo "== loader throughput (test pipeline, 8 frames at 224)"
"${JAVA[@]}" loader 1 48 "${H264[@]}"
"${JAVA[@]}" loader 2 48 "${H264[@]}"
"${JAVA[@]}" loader 1 8 "$KINETICS_LIKE"
"${JAVA[@]}" loader 2 8 "$KINETICS_LIKE"
