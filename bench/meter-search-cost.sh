#!/usr/bin/env bash
# CPU per Camel exchange of the last-exchange gauge: Camel's exchange notifier searched the meter
# registry for it at the end of each exchange; the gateway's ExchangeTimersNotifier sets it. 300,
# 3,000 and 30,000 meters (the registry grows with the tenants), one thread.
#   bash bench/meter-search-cost.sh [calls-per-round, default 20000]
#   CP=<classpath with the gateway's dependencies> skips Maven (the tests' smoke run passes its own)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/classpath.sh
java -cp "$(harness_classpath)" bench/MeterSearchCost.java "${1:-20000}"
