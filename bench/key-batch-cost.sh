#!/usr/bin/env bash
# What a batch of dedupe keys holding one already there costs the key table on PostgreSQL
# (bench/KeyBatchCost.java): medians of JdbcExpiringKeys.addAll for 512 new keys and 1 known, and
# for 513 new, on the machine's PostgreSQL (PGURL, default jdbc:postgresql://127.0.0.1:5432/postgres,
# user postgres), after 5 rounds of warm-up.
#   bash bench/key-batch-cost.sh [rounds, 35]
#   CLASSES=<the gateway's classes, default target/classes> (another commit's, to compare)
#   CP=<the dependencies' class path> skips Maven (the tests' smoke run passes its own)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/classpath.sh
deps=$(harness_classpath)
echo "# $(date -u +%FT%TZ), $(nproc) cores, $(java_version), classes ${CLASSES:-target/classes}"
java -cp "${CLASSES:-target/classes}:$deps" bench/KeyBatchCost.java "${1:-35}" src/main/resources/schema.sql
