#!/usr/bin/env bash
# What an outbound message (accept + delivery: three commits) costs the jdbc store on H2 (the embedded
# store until it moved to RocksDB), by storage setting (bench/StoreCommitCost.java): messages/s, CPU
# and bytes written per message; variants in alternating runs, one JVM each.
#   bash bench/store-commit-cost.sh [seconds-per-run, default 10] [rounds, default 2] [variants…]
#   CP=<classpath with H2> skips Maven (the tests' smoke run passes its own)
#   variants: default (the gateway's), varchar, bytes, lob-inline, page-1k, no-compaction,
#   group-flush (commits written by shared CHECKPOINTs, as c1369a6's GroupCommitDataSource did; reverted)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/classpath.sh
deps=$(harness_classpath)
seconds=${1:-10}; rounds=${2:-2}; shift $(( $# < 2 ? $# : 2 ))
variants=${*:-default varchar lob-inline page-1k no-compaction}
echo "# $(date -u +%FT%TZ), $(nproc) cores, $(java_version), ${seconds}s per run after ${seconds}/2 s of warm-up"
for round in $(seq "$rounds"); do
  for v in $variants; do
    java -cp "$deps" bench/StoreCommitCost.java "$v" "$seconds" src/main/resources/schema.sql
  done
done
