#!/usr/bin/env bash
# Runs CI's check the way CI does: the tests of a clean clone of the committed main branch, so a file that
# is only in this working tree (or a step missing from the README) shows up before a submission does.
set -euo pipefail
top=$(git rev-parse --show-toplevel)
dir=$(mktemp -d /tmp/vificlip-clone.XXXXXX)
trap 'rm -rf "$dir"' EXIT
git clone -q "$top" "$dir"
cd "$dir"
bash .ci/run
