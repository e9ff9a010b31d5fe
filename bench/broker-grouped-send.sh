#!/usr/bin/env bash
# Durable enqueue on the embedded broker: a blocking send per request against one transaction for the
# messages of concurrent requests (bench/BrokerGroupedSend.java), CPU per message and msg/s.
#   bash bench/broker-grouped-send.sh [seconds-per-run, default 8] [grouped|server]
# server: the send routed on the broker's side (no client session, no in-VM connector), waiting for its journal sync
set -euo pipefail
cd "$(dirname "$0")/.."
cp_file=$(mktemp)
log=$(mktemp)
trap 'rm -f "$cp_file" "$log"' EXIT
mvn -q -B dependency:build-classpath -Dmdep.outputFile="$cp_file" > /dev/null
# the broker's warnings go to stderr: shown only when the bench failed
java -cp "$(cat "$cp_file")" bench/BrokerGroupedSend.java "${1:-8}" "${2:-grouped}" 2> "$log" \
  || { grep -E 'AssertionError|Exception' "$log" | head -20; exit 1; }
