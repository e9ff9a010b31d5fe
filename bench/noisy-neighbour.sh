#!/usr/bin/env bash
# Noisy-neighbour benchmark (issue 14, point 4): two tenants on one plan, the packaged jar on
# loopback. Tenant B sends at a modest fixed rate (open loop); its latency is measured alone and
# while tenant A sends at 10x the plan's rate at the same time (a second wrk in parallel), in
# interleaved rounds, for both directions:
#   inbound   signed Stripe webhooks, POST /webhooks/stripe → 200 (never refused for rate; shaped on
#             delivery at pasarela.delivery.per-tenant-rate, the plan's inbound rate here)
#   outbound  POST /api/v1/whatsapp/messages → 202; A's excess over requests-per-second gets 429
# Every answer to B must be 200 (inbound) or 202 (outbound); A's may be 202 or 429; anything else,
# or any socket error, fails the bench. Also reported: B's delivery lag (seconds after B's last
# webhook until all of B's events were delivered).
#
# Usage: bash bench/noisy-neighbour.sh [seconds-per-round] [rounds] [warm-up-seconds]
#        bash bench/noisy-neighbour.sh --ci        (a few hundred requests, no figures to keep)
# PLAN_RATE (requests-per-second of the plan, 20), INBOUND_RATE (per-tenant delivery rate, 10),
# B_IN (B's webhooks/s, 10), B_OUT (B's sends/s, 10); A sends 10x PLAN_RATE out, 10x INBOUND_RATE in.
# JAR (the jar to start, default the packaged one), JAVA_OPTS (JVM flags, e.g. a JFR recording) and
# BENCH_ARGS (gateway properties) are passed through.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--ci" ]; then
  SECONDS_PER_ROUND=3; ROUNDS=1; WARMUP=4; LAG_WAIT=${LAG_WAIT:-2}
else
  SECONDS_PER_ROUND=${1:-30}; ROUNDS=${2:-2}; WARMUP=${3:-60}
fi
PLAN_RATE=${PLAN_RATE:-20}; INBOUND_RATE=${INBOUND_RATE:-10}; B_IN=${B_IN:-10}; B_OUT=${B_OUT:-10}
A_IN=$((INBOUND_RATE * 10)); A_OUT=$((PLAN_RATE * 10))
LAG_WAIT=${LAG_WAIT:-20}
source bench/lib/gateway.sh
install_wrk
packaged_jar
WORK=$(mktemp -d)
PORT=$(free_port)
GRAPH_PORT=$(free_port)
STRIPE_SECRET="whsec_bench_$(random_hex 12)"
META_SECRET="bench-app-secret-$(random_hex 12)"
OPS="bench-ops-token-$(random_hex 16)"
CONTACT=5215500000000
declare -A PHONE=([a]=106540352240001 [b]=106540352240002)
cat > "$WORK/plans.yml" <<YML
default-plan: bench
past-due-grace: P7D
plans:
  bench:
    prices: [pasarela_pro_monthly, pasarela_basic_monthly] # the fixture's prices: its events keep the plan
    requests-per-second: $PLAN_RATE
    integration-requests-per-second: {default: $PLAN_RATE}
    quotas: {whatsapp: 100000000}
YML
cat > "$WORK/tenants.yml" <<YML
tenants:
  - id: bench-a
    name: Bench Noisy
    plan: bench
    identities:
      stripe: cus_a
      whatsapp: "${PHONE[a]}"
  - id: bench-b
    name: Bench Quiet
    plan: bench
    identities:
      stripe: cus_b
      whatsapp: "${PHONE[b]}"
YML
for t in a b; do
  # webhook.lua's ids are unique per wrk run, not across two runs started in the same second: the
  # tenant's letter in the id keeps A's and B's apart
  sed -e "s/cus_NffrFeUfNV2Hib/cus_$t/" -e "s/evt_1RyZqHLkdIwHu7ixd5xA2yQp/evt_${t}_BENCHID/" \
    src/test/resources/stripe/customer.subscription.updated.basil.json > "$WORK/stripe-$t.json"
done
STRIPE_ID=BENCHID
printf '{"to":"+%s","type":"text","text":{"body":"Su cita es mañana a las 10:00"}}' "$CONTACT" > "$WORK/send.json"

python3 bench/lib/graph-standin.py "$GRAPH_PORT" &
GRAPH_PID=$!
SERVER_PORT=$PORT PASARELA_DATA_DIR="$WORK/data" PASARELA_TENANTS_FILE="$WORK/tenants.yml" \
  PASARELA_PLANS_FILE="$WORK/plans.yml" PASARELA_OPS_TOKEN="$OPS" \
  STRIPE_WEBHOOK_SECRET="$STRIPE_SECRET" META_APP_SECRET="$META_SECRET" \
  META_GRAPH_BASE_URL="http://127.0.0.1:$GRAPH_PORT" WHATSAPP_ACCESS_TOKEN="EAAG-bench" \
  WHATSAPP_MESSAGES_PER_SECOND=1000 PASARELA_MASTER_KEYS="bench:$(head -c 32 /dev/urandom | base64)" \
  java -Xmx1g ${JAVA_OPTS:-} -jar "$JAR" --pasarela.delivery.per-tenant-rate="$INBOUND_RATE" ${BENCH_ARGS:-} \
  --logging.level.root=WARN > "$WORK/gateway.log" 2>&1 &
PID=$!
trap 'kill $PID $GRAPH_PID 2>/dev/null; wait $PID $GRAPH_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
wait_for_gateway "$PORT" "$WORK/gateway.log"
declare -A KEY=([a]=$(api_key "$PORT" "$OPS" bench-a) [b]=$(api_key "$PORT" "$OPS" bench-b))

# a WhatsApp message from the contact to each tenant's number opens the 24-hour window sends need
for t in a b; do
  body=$(printf '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"1","phone_number_id":"%s"},"contacts":[{"profile":{"name":"Bench"},"wa_id":"%s"}],"messages":[{"from":"%s","id":"wamid.bench-in-%s-%s","timestamp":"%s","type":"text","text":{"body":"Hola"}}]},"field":"messages"}]}]}' \
    "${PHONE[$t]}" "$CONTACT" "$CONTACT" "$t" "$RANDOM$RANDOM" "$(date +%s)")
  sig=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$META_SECRET" -r | cut -d' ' -f1)
  curl -sf -o /dev/null -X POST "http://127.0.0.1:$PORT/webhooks/meta" -H 'Content-Type: application/json' \
    -H "X-Hub-Signature-256: sha256=$sig" --data-binary "$body"
done
for t in a b; do # the inbound message that opens the window is still on its way
  for i in $(seq 1 100); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$PORT/api/v1/whatsapp/messages" \
      -H "X-Api-Key: ${KEY[$t]}" -H 'Content-Type: application/json' --data-binary @"$WORK/send.json")
    [ "$code" = 202 ] && break
    [ "$i" = 100 ] && { echo "FAILED: tenant $t cannot send ($code)" >&2; exit 1; }
    sleep 0.2
  done
done

# wrk_in TENANT RATE CONNECTIONS SECONDS / wrk_out TENANT RATE CONNECTIONS SECONDS EXPECT:
# one open-loop wrk run; prints its RESULT line, exits when an answer was wrong
check() {
  local name=$1 out=$2 result
  result=$(grep '^RESULT' <<< "$out" || true)
  if [ -z "$result" ] || ! grep -q ' wrong=0 ' <<< "$result"; then
    { echo "FAILED $name: $out"; tail -20 "$WORK/gateway.log"; } >&2; exit 1
  fi
  echo "$result"
}
wrk_in() {
  local out
  out=$(SCHEME=stripe SECRET=$STRIPE_SECRET TEMPLATE=$WORK/stripe-$1.json ID_TOKEN=$STRIPE_ID THREADS=1 RATE=$2 \
        wrk -t1 -c"$3" -d"$4s" --timeout 10s -s bench/lib/webhook.lua "http://127.0.0.1:$PORT/webhooks/stripe" 2>&1) || true
  check "inbound $1" "$out"
}
wrk_out() {
  local out
  out=$(BODY_FILE=$WORK/send.json API_KEY=${KEY[$1]} EXPECT=$5 THREADS=1 RATE=$2 \
        wrk -t1 -c"$3" -d"$4s" --timeout 10s -s bench/lib/api-send.lua "http://127.0.0.1:$PORT/api/v1/whatsapp/messages" 2>&1) || true
  check "outbound $1" "$out"
}

metric() { # the sum of one Prometheus series' values whose line matches $1
  curl -sf -H "Authorization: Bearer $OPS" "http://127.0.0.1:$PORT/actuator/prometheus" \
    | awk -v pat="$1" '$0 ~ pat && $0 !~ /^#/ {s += $NF} END {printf "%d\n", s}'
}
dead_letters() { metric '^pasarela_dead_letters_total'; }
duplicates() { metric '^pasarela_webhooks_events_total.*outcome="duplicate"'; }
# every event must be delivered, none dead-lettered, none taken for a duplicate: else the bench measures something else
check_deliveries() {
  local dl dup
  dl=$(dead_letters); dup=$(duplicates)
  if [ "$dl" -gt 0 ] || [ "$dup" -gt 0 ]; then
    { echo "FAILED: $dl dead letters, $dup duplicates"; grep -m3 'Dead-lettered' "$WORK/gateway.log"; } >&2; exit 1
  fi
}
delivered_b() { metric '^pasarela_deliveries_total[{]event="SubscriptionChanged".*tenant="bench-b"'; }
field() { sed -n "s/.* $2=\([0-9.]*\).*/\1/p" <<< "$1"; }

B_SENT=$(delivered_b) # B's webhooks sent so far (all answered 200), to compare with its deliveries
# b_lag: seconds after B's last webhook until all of B's events were delivered, or ">LAG_WAIT (n pending)"
b_lag() {
  local start=$SECONDS d
  while :; do
    d=$(delivered_b)
    [ "$d" -ge "$B_SENT" ] && { echo "$((SECONDS - start))"; return; }
    [ $((SECONDS - start)) -ge "$LAG_WAIT" ] && { echo ">${LAG_WAIT}(pending=$((B_SENT - d)))"; return; }
    sleep 0.5
  done
}

# CPU over a round, from /proc: the machine's busy share of both cores and the gateway's own share, so a
# round disturbed by something else on the machine shows (machine far above gateway + the two wrk)
cpu_snap() { echo "$(awk '/^cpu / {print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat) $(awk '{print $14 + $15}' /proc/$PID/stat)"; }
cpu_share() { # cpu_share "SNAP_BEFORE" "SNAP_AFTER"
  read -r b0 t0 g0 <<< "$1"; read -r b1 t1 g1 <<< "$2"
  python3 -c "print('cpu_machine=%.0f%% cpu_gateway=%.0f%%' % (100 * ($b1 - $b0) / ($t1 - $t0), 100 * ($g1 - $g0) / ($t1 - $t0)))"
}

# round DIRECTION WITH_A: B for SECONDS_PER_ROUND; with A, A starts 2 s before B and ends 2 s after
round() {
  local dir=$1 with_a=$2 b a_line="" a_pid c0
  if [ "$with_a" = yes ]; then
    if [ "$dir" = in ]; then wrk_in a "$A_IN" 32 $((SECONDS_PER_ROUND + 4)) > "$WORK/a.out" &
    else wrk_out a "$A_OUT" 32 $((SECONDS_PER_ROUND + 4)) 202,429 > "$WORK/a.out" & fi
    a_pid=$!
    sleep 2
  fi
  c0=$(cpu_snap)
  if [ "$dir" = in ]; then b=$(wrk_in b "$B_IN" 8 "$SECONDS_PER_ROUND"); B_SENT=$((B_SENT + $(field "$b" requests)))
  else b=$(wrk_out b "$B_OUT" 8 "$SECONDS_PER_ROUND" 202); fi
  local cpu; cpu=$(cpu_share "$c0" "$(cpu_snap)")
  if [ "$with_a" = yes ]; then wait "$a_pid" || exit 1; a_line=$(cat "$WORK/a.out"); fi
  local lag=-; [ "$dir" = in ] && { lag=$(b_lag); check_deliveries; }
  # inbound, A's excess waits on in.stripe for its tenant's delivery slots: paged past the broker's memory limit
  echo "$dir $with_a B: $b lag_s=$lag $cpu paged_mb=$(paged_mb "$WORK/data")"
  [ -n "$a_line" ] && echo "$dir $with_a A: $a_line"
  return 0
}

echo "# $(date -u +%FT%TZ), $(nproc) cores, $(java_version), wrk $(wrk -v 2>&1 | head -1 | cut -d' ' -f2)"
echo "# plan: $PLAN_RATE requests/s, inbound delivery $INBOUND_RATE events/s per tenant; B: $B_IN webhooks/s, $B_OUT sends/s;" \
     "A: $A_IN webhooks/s, $A_OUT sends/s; $ROUNDS rounds of ${SECONDS_PER_ROUND}s per case, warm-up ${WARMUP}s"
# warm-up: every path at once (B and A within the inbound plan, A over the outbound plan for its 429s)
wrk_in a "$INBOUND_RATE" 8 "$WARMUP" > /dev/null & w1=$!
wrk_in b "$B_IN" 8 "$WARMUP" > "$WORK/w.out" & w2=$!
wrk_out a "$A_OUT" 32 "$WARMUP" 202,429 > /dev/null & w3=$!
wrk_out b "$B_OUT" 8 "$WARMUP" 202 > /dev/null & w4=$!
for w in $w1 $w2 $w3 $w4; do wait $w || exit 1; done
B_SENT=$((B_SENT + $(field "$(cat "$WORK/w.out")" requests)))
check_deliveries
echo "warm-up done; B's warm-up events delivered after ${LAG_WAIT}s at most: lag_s=$(b_lag)"

LINES=$WORK/lines
for dir in in out; do
  for r in $(seq 1 "$ROUNDS"); do
    for with_a in no yes; do
      round "$dir" "$with_a" > "$WORK/round.out" # not in a $( ): B_SENT must survive it
      sed "s/^/round $r /" "$WORK/round.out" | tee -a "$LINES" | sed 's/^/  /'
    done
  done
done

echo
echo "| direction | B alone p50 / p90 / p99 (ms), per round | B with A at 10x p50 / p90 / p99 (ms), per round | B p99 with A / alone (mean of rounds) |"
echo "|---|---|---|---|"
for dir in in out; do
  cells=()
  for with_a in no yes; do
    cells+=("$(awk -v d="$dir" -v w="$with_a" '$3 == d && $4 == w && $5 == "B:" {
        for (i = 6; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        printf "%s%s / %s / %s", (n++ ? "; " : ""), v["p50_ms"], v["p90_ms"], v["p99_ms"] }' "$LINES")")
  done
  ratio=$(awk -v d="$dir" '$3 == d && $5 == "B:" { for (i = 6; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "p99_ms") s[$4] += kv[2] } }
      END { printf "%.2f (%.2f / %.2f ms)", s["yes"] / s["no"], s["yes"] / '"$ROUNDS"', s["no"] / '"$ROUNDS"' }' "$LINES")
  echo "| $dir | ${cells[0]} | ${cells[1]} | $ratio |"
done
echo "gateway: pid $PID, A's sends answered 429: $(metric '^pasarela_api_rejections_total.*tenant="bench-a"'), B's: $(metric '^pasarela_api_rejections_total.*tenant="bench-b"')"
