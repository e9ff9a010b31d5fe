#!/usr/bin/env bash
# How the embedded H2 file (db/: Quartz's tables; the webhooks' dedupe keys until they moved to the embedded store) grows under the dedupe keys' commits,
# by H2 write mode (bench/H2FileGrowth.java; bench/RESULTS.md, 2026-12-05, sixteenth session):
#   bash bench/h2-file-growth.sh [commits, 4800] [commits-per-second, 20] [print-every, 600]
# runs the variants side by side (plain, delay, compactfile, retention0, delaycheckpoint-retention0; light:
# 20 commits/s each). Since the keys moved to the embedded store, db/ holds Quartz's tables alone on the
# embedded defaults (with Firestore as the store, the keys are still there).
#   CP=<classpath with H2> skips Maven (the tests' smoke run passes its own)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/classpath.sh
deps=$(harness_classpath)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pids=()
for variant in plain delay compactfile retention0 delaycheckpoint-retention0; do
  java -cp "$deps" bench/H2FileGrowth.java "$variant" "${1:-4800}" "${2:-20}" "${3:-600}" > "$out/$variant" 2>&1 &
  pids+=($!)
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
cat "$out"/plain "$out"/delay "$out"/compactfile "$out"/retention0 "$out"/delaycheckpoint-retention0
exit $status
