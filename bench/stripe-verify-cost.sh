#!/usr/bin/env bash
# CPU per Stripe signature check on the bench's 4 KB event, one thread: stripe-java's verifyHeader
# over the decoded body against the gateway's StripeSignatureVerifier over the bytes.
#   bash bench/stripe-verify-cost.sh [checks-per-round, default 100000]
#   CP=<classpath with the gateway's classes> skips Maven (the tests' smoke run passes its own)
set -euo pipefail
cd "$(dirname "$0")/.."
event=$(mktemp)
trap 'rm -f "$event"' EXIT
# always without CP: classes from an older checkout would measure older code
[ -n "${CP:-}" ] || mvn -q -B compile
source bench/lib/classpath.sh
deps=$(harness_classpath)
sed 's/cus_NffrFeUfNV2Hib/cus_bench/' src/test/resources/stripe/customer.subscription.updated.basil.json > "$event"
java -cp "target/classes:$deps" bench/StripeVerifyCost.java "$event" "${1:-100000}"
