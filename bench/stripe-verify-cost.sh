#!/usr/bin/env bash
# CPU per Stripe signature check on the bench's 4 KB event, one thread: stripe-java's verifyHeader
# over the decoded body against the gateway's StripeSignatureVerifier over the bytes.
#   bash bench/stripe-verify-cost.sh [checks-per-round, default 100000]
#   CP=<classpath with the gateway's classes> skips Maven (the tests' smoke run passes its own)
set -euo pipefail
cd "$(dirname "$0")/.."
cp_file=$(mktemp)
trap 'rm -f "$cp_file" "$cp_file.json"' EXIT
if [ -n "${CP:-}" ]; then
  printf '%s' "$CP" > "$cp_file"
else
  mvn -q -B compile # always: classes from an older checkout would measure older code
  mvn -q -B dependency:build-classpath -Dmdep.outputFile="$cp_file" > /dev/null
fi
sed 's/cus_NffrFeUfNV2Hib/cus_bench/' src/test/resources/stripe/customer.subscription.updated.basil.json > "$cp_file.json"
java -cp "target/classes:$(cat "$cp_file")" bench/StripeVerifyCost.java "$cp_file.json" "${1:-100000}"
