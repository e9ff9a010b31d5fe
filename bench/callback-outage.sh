#!/usr/bin/env bash
# A tenant's callback endpoint down while its WhatsApp messages keep coming: what the callbacks waiting
# for their retries cost the gateway's heap, and that each is delivered once the endpoint is back.
# The packaged jar on loopback; wrk posts signed WhatsApp inbound messages (bench/lib/webhook.lua, a new
# message id each), the gateway delivers them and queues one callback each for the tenant's callbackUrl,
# a stand-in (bench/lib/callback-standin.py) that answers 503 during the outage and 200 after it.
#
# Usage: bash bench/callback-outage.sh [ingest-seconds] [outage-seconds]     (defaults 30 and 240)
#        bash bench/callback-outage.sh --ci       (a few hundred messages, a short outage, no figures to keep)
# The broker's memory limit is 16 MB (pasarela.broker.global-max-size), so what the heap holds past it
# shows; retries wait at most 2 minutes (MAX_DEFERRAL_MS, pasarela.retry.max-deferral-ms: an hour in
# production) so the backlog is delivered within minutes of the endpoint's return. RECOVER=off ends
# the run with the outage (for waits as long as production's, which would take an hour to deliver).
# BENCH_ARGS (gateway properties, after these) and JAVA_OPTS are passed through; JAR picks the jar.
# Prints at the end of the outage the heap after a full GC, what was paged, where the broker holds the
# callbacks (through Jolokia: on out.callbacks, scheduled in memory or not, and on the waiting queues)
# and how many moves the waiting queues made, the gateway's CPU over the outage per move (an upper bound:
# the callbacks' retries are in it) and how late heads left their waiting queues; then how long the callbacks took to arrive once the
# endpoint was back. Fails when a webhook's answer was not 200, when the broker's count of the callbacks
# it holds at the end of the outage is off by more than 1 % (it is read while messages move), or when
# not exactly one callback per message arrived within 10 minutes of the endpoint's return.
set -euo pipefail
cd "$(dirname "$0")/.."
CI_ARGS=
if [ "${1:-}" = "--ci" ]; then
  INGEST=1; OUTAGE=12; CONNECTIONS=2
  # waits over a second go to the waiting queues, no retry waits over 5 s, and a parked endpoint is tried
  # again after 2 s: all within seconds here
  CI_ARGS="--pasarela.broker.schedule-in-memory-within=1s --pasarela.callbacks.breaker.open-for=PT2S"
  MAX_DEFERRAL_MS=${MAX_DEFERRAL_MS:-5000}
else
  INGEST=${1:-30}; OUTAGE=${2:-240}; CONNECTIONS=8; MAX_DEFERRAL_MS=${MAX_DEFERRAL_MS:-120000}
fi
source bench/lib/gateway.sh
install_wrk
packaged_jar
WORK=$(mktemp -d)
PORT=$(free_port)
CALLBACK_PORT=$(free_port)
META_SECRET="bench-app-secret-$(random_hex 12)"
OPS="bench-ops-token-$(random_hex 16)"
CONSOLE="bench-console-$(random_hex 16)"
PHONE_ID=106540352242922
cat > "$WORK/tenants.yml" <<YML
tenants:
  - id: bench-dealer
    name: Bench Dealer
    callbackUrl: http://127.0.0.1:$CALLBACK_PORT/pasarela
    identities:
      whatsapp: "$PHONE_ID"
YML
cp src/test/resources/meta/whatsapp.text.json "$WORK/meta.json"
META_ID='wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA='

touch "$WORK/down"
python3 bench/lib/callback-standin.py "$CALLBACK_PORT" "$WORK/down" &
STANDIN=$!
SERVER_PORT=$PORT PASARELA_DATA_DIR="$WORK/data" PASARELA_TENANTS_FILE="$WORK/tenants.yml" PASARELA_OPS_TOKEN="$OPS" \
  PASARELA_CONSOLE_PASSWORD="$CONSOLE" \
  STRIPE_WEBHOOK_SECRET="whsec_bench_$(random_hex 12)" META_APP_SECRET="$META_SECRET" PASARELA_MASTER_KEYS="bench:$(head -c 32 /dev/urandom | base64)" \
  java ${HEAP:--Xmx1g} ${JAVA_OPTS:-} -jar "$JAR" --pasarela.delivery.per-tenant-rate=5000 \
  --pasarela.broker.global-max-size=16MB --pasarela.retry.max-deferral-ms=$MAX_DEFERRAL_MS $CI_ARGS ${BENCH_ARGS:-} \
  --logging.level.root=WARN > "$WORK/gateway.log" 2>&1 &
PID=$!
trap 'kill $PID $STANDIN 2>/dev/null; wait $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
wait_for_gateway "$PORT" "$WORK/gateway.log"

metric_f() { # one Prometheus series' values whose line matches $1, aggregated by $2 (sum or max), as a decimal
  curl -sf -H "Authorization: Bearer $OPS" "http://127.0.0.1:$PORT/actuator/prometheus" \
    | awk -v pat="$1" -v how="$2" '$0 ~ pat && $0 !~ /^#/ {v = $NF + 0; s = how == "max" ? (v > s ? v : s) : s + v}
                                   END {printf "%.3f\n", s}'
}
metric() { # the sum of one Prometheus series' values matching $1, as an integer; a failed fetch fails it
  local sum
  sum=$(metric_f "$1" sum) || return
  printf '%.0f\n' "$sum"
}
cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; } # the process's user and system ticks
standin() { curl -sf "http://127.0.0.1:$CALLBACK_PORT/count" || echo "0 0 0 0"; }
# "<held> <scheduled in memory> <on the waiting queues>": the callbacks the broker holds (out.callbacks,
# its dead letters, the waiting queues), read in one Jolokia request
broker_view() {
  curl -sf -u "operator:$CONSOLE" -H 'Content-Type: application/json' "http://127.0.0.1:$PORT/actuator/jolokia" -d \
    '{"type":"read","mbean":"org.apache.activemq.artemis:broker=*,component=addresses,address=*,subcomponent=queues,routing-type=*,queue=*","attribute":["MessageCount","ScheduledCount"]}' \
    | python3 -c '
import json, re, sys
held = scheduled = waiting = 0
for name, attributes in json.load(sys.stdin)["value"].items():
    queue = re.search(r"queue=\"?([^,\"]+)", name).group(1)
    if queue == "out.callbacks" or queue.startswith("dlq.callbacks") or re.fullmatch(r"wait\.[0-9]+", queue):
        held += attributes["MessageCount"]
        scheduled += attributes["ScheduledCount"]
        waiting += attributes["MessageCount"] if queue.startswith("wait.") else 0
print(held, scheduled, waiting)'
}

echo "# $(date -u +%FT%TZ), $(nproc) cores, $(java_version), jar $JAR"
echo "# ${INGEST}s of WhatsApp messages on $CONNECTIONS connections, then the endpoint down ${OUTAGE}s more"
out=$(SCHEME=meta SECRET=$META_SECRET TEMPLATE=$WORK/meta.json ID_TOKEN=$META_ID THREADS=1 \
      wrk -t1 -c"$CONNECTIONS" -d"${INGEST}s" --timeout 10s -s bench/lib/webhook.lua "http://127.0.0.1:$PORT/webhooks/meta" 2>&1) || true
result=$(grep '^RESULT' <<< "$out" || true)
if [ -z "$result" ] || ! grep -q ' wrong=0 ' <<< "$result"; then
  { echo "FAILED: $out"; tail -20 "$WORK/gateway.log"; } >&2; exit 1
fi
echo "webhooks: $result"
start=$SECONDS
for _ in $(seq 1 600); do
  # what the gateway accepted (wrk does not count a request its run's end cut short, the gateway may have)
  EVENTS=$(metric '^pasarela_webhooks_events_total.*outcome="accepted".*provider="meta"')
  delivered=$(metric '^camel_exchanges_total.*eventType="route".*routeId="meta.in.deliver"')
  [ "$EVENTS" -gt 0 ] && [ "$delivered" -ge "$EVENTS" ] && break
  sleep 1
done
[ "$EVENTS" -gt 0 ] || { echo "FAILED: the gateway accepted no message" >&2; exit 1; }
echo "delivered to the store: $delivered of $EVENTS in $((SECONDS - start)) s; the endpoint stays down ${OUTAGE}s"
WAIT_ROUTES='^camel_exchanges_total.*eventType="route".*routeId="pasarela.wait-[0-9]+"'
moves_before=$(metric "$WAIT_ROUTES")
ticks_before=$(cpu_ticks $PID)
sleep "$OUTAGE"
ticks=$(( $(cpu_ticks $PID) - ticks_before ))
moves=$(metric "$WAIT_ROUTES")
# how late the heads left their waiting queues: the worst (over the last two minutes: Micrometer's
# window) and the mean over the whole run
late_max=$(metric_f '^pasarela_wait_lateness_seconds_max' max)
late_mean=$(awk -v s="$(metric_f '^pasarela_wait_lateness_seconds_sum' sum)" -v n="$(metric_f '^pasarela_wait_lateness_seconds_count' sum)" \
  'BEGIN {printf "%.1f", (n > 0 ? 1000 * s / n : 0)}')
heap=$(heap_after_gc $PID)
paged=$(paged_mb "$WORK/data")
read -r _ _ refused _ <<< "$(standin)"
echo "end of the outage: heap after a full GC ${heap} MB, paged ${paged} MB, callback posts refused: $refused"
# all of the gateway's CPU in the outage (the moves and the callback retries, the broker's journal and GC
# with them), over its moves: an upper bound of what a move costs
cpu_s=$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", t / hz}')
per_move=$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" -v m=$((moves - moves_before)) 'BEGIN {printf "%.0f", (m > 0 ? 1e6 * t / hz / m : 0)}')
echo "in the ${OUTAGE}s outage: $((moves - moves_before)) moves, the gateway's CPU ${cpu_s} s (${per_move} µs a move at most);" \
  "heads left their waiting queues late by $(awk -v m="$late_max" 'BEGIN {printf "%.0f", 1000 * m}') ms at most lately, ${late_mean} ms on average"
# the waiting queues move messages meanwhile (~1,000 a second in a long outage), and a read of all the
# queues is not one instant: a message moved during it is counted twice or not at all. So this count
# may be off by a few (at most 1 % here); that each callback is held once is what the recovery checks
for _ in $(seq 1 20); do
  read -r held scheduled waiting <<< "$(broker_view || echo "-1 0 0")"
  [ "$held" = "$EVENTS" ] && break
  sleep 0.5
done
echo "the broker holds $held callbacks of $EVENTS messages: $scheduled scheduled in memory, $waiting on the waiting queues ($moves moves so far)"
off=$((held > EVENTS ? held - EVENTS : EVENTS - held))
[ "$held" -ge 0 ] && [ $((off * 100)) -le "$EVENTS" ] \
  || { echo "FAILED: the broker holds $held callbacks for $EVENTS messages" >&2; exit 1; }
if [ "${RECOVER:-on}" = off ]; then
  echo "RESULT events=$EVENTS heap_after_gc_mb=$heap paged_mb=${paged:-0} scheduled=$scheduled waiting=$waiting moves=$moves outage_moves=$((moves - moves_before)) outage_cpu_s=$cpu_s cpu_us_per_move=$per_move late_max_s=$late_max late_mean_ms=$late_mean"
  exit 0
fi

rm "$WORK/down"
back=$SECONDS
for _ in $(seq 1 1200); do
  read -r distinct ok _ no_id <<< "$(standin)"
  [ "${distinct:-0}" -ge "$EVENTS" ] && break
  sleep 0.5
done
if ! [ "${distinct:-0}" -eq "$EVENTS" ] || ! [ "${no_id:-1}" -eq 0 ]; then
  echo "FAILED: $distinct callbacks of $EVENTS messages arrived ($no_id without an event id) within 10 minutes" >&2
  tail -20 "$WORK/gateway.log" >&2; exit 1
fi
echo "endpoint back: all $EVENTS callbacks arrived in $((SECONDS - back)) s ($ok posts accepted, $((ok - distinct)) repeated)"
echo "RESULT events=$EVENTS heap_after_gc_mb=$heap paged_mb=${paged:-0} scheduled=$scheduled waiting=$waiting moves=$moves outage_moves=$((moves - moves_before)) outage_cpu_s=$cpu_s cpu_us_per_move=$per_move late_max_s=$late_max late_mean_ms=$late_mean refused=$refused recovered_s=$((SECONDS - back)) repeated=$((ok - distinct))"
