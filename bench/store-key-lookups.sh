#!/usr/bin/env bash
# What a webhook's dedupe check costs the embedded store (RocksDB) once it holds many event ids
# (bench/StoreKeyLookups.java): fills a store in a temporary directory, then times lookups of ids it
# does not hold (every new event) and of ids it holds (retries). At 100 events/s the 30 days the ids are
# kept make ~259 M; the default here, 10 M, is what this machine fills in a few minutes.
#   bash bench/store-key-lookups.sh [ids, 10000000] [seconds per lookup kind, 20] [threads, 2]
#   CLASSES=<the gateway's classes, default target/classes> (another commit's, to compare)
#   CP=<the dependencies' class path> skips Maven (the tests' smoke run passes its own)
#   KEEP=<dir> fills a store there and leaves it (for bench/ingest.sh's SEED_STORE)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/classpath.sh
deps=$(harness_classpath)
echo "# $(date -u +%FT%TZ), $(nproc) cores, $(java_version), classes ${CLASSES:-target/classes}"
java -Xmx1g -cp "${CLASSES:-target/classes}:$deps" bench/StoreKeyLookups.java "${1:-10000000}" "${2:-20}" "${3:-2}"
