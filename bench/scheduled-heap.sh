#!/usr/bin/env bash
# What an embedded Artemis keeps in the heap for messages that wait on a queue with a 16 MB memory limit:
# plain ones are paged and read back 20 MB ahead; scheduled ones (_AMQ_SCHED_DELIVERY) are read back whole.
# Why the gateway puts a message due more than 10 s ahead on its waiting queues (pipeline/errors/LongWaits).
#   bash bench/scheduled-heap.sh [messages, default 100000]
# Each case runs in a JVM of its own (-Xmx1g); the run fails when the broker does not hold what it was sent.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/classpath.sh
n=${1:-100000}
cp=$(harness_classpath)
for kind in plain scheduled; do
  java -Xmx1g -cp "$cp" bench/ScheduledHeap.java "$n" "$kind" 2>&1 | grep -E '^(plain|scheduled|FAILED)' \
    || { echo "FAILED: $kind"; exit 1; }
done
