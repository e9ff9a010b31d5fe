#!/usr/bin/env bash
# Webhook ingest benchmark: the packaged jar on loopback, driven by wrk (bench/lib/webhook.lua signs
# every request with a new event id). One run measures, in interleaved rounds:
#   baseline  POST /webhooks/bench-noop  the door's work only (filters, platform-http, raw body) → 200
#   stripe    POST /webhooks/stripe      verify, resolve tenant, dedupe, durable enqueue → 200
#   meta      POST /webhooks/meta        the same for a WhatsApp inbound message → 200
# first closed-loop at full speed (throughput, p50/p90/p99), then open-loop at half the baseline's
# throughput (p50/p90/p99 at a fixed offered load). Any answer that is not 200, or any socket error,
# fails the bench.
#
# Usage: bash bench/ingest.sh [seconds-per-round] [connections] [rounds] [warm-up-seconds]
# (the ratios' means leave out round 1 when there are several rounds: it runs colder than the rest)
#        bash bench/ingest.sh --ci          (a few hundred requests of each, no figures to keep; CI runs it as
#                                            it is and with DELIVERIES=on)
# By default the in.* consumers are paused (DELIVERIES=off), so the door is measured alone, as the baseline
# is, and the queues are emptied after every load of the webhooks (warm-up, rounds, open loop): each load's
# events are counted on their queue (fewer than the load's 200s fail the bench: an acknowledged event was
# lost), then removed. So every event goes to the broker's journal, the path a gateway whose deliveries keep
# up takes. For that the broker's memory limit (pasarela.broker.global-max-size, 128 MB in production) is
# raised to hold one load's events (40 MB per second of a round) and the heap with it; the webhooks' warm-up
# runs in loads of a round's length. Each round prints the most the broker's paging directory held after its
# loads (0 MB: nothing paged); past the limit an enqueue writes a page file instead (bench/RESULTS.md:
# cheaper than the journal on these machines). The limit is raised whatever HEAP says; the heap only when
# HEAP is not given.
# BACKLOG=1 keeps the queues instead, as the bench did before: the broker pages them past 128 MB, so the
# rounds measure ingest behind a backlog (a delivery outage), page files instead of the journal.
# DELIVERIES=on runs the consumers (per-tenant shaping at 5000/s: the bench has one tenant) and waits for each
# round's events to be delivered before the next round.
# JAVA_OPTS (JVM flags) and BENCH_ARGS (gateway properties) are passed through. JFR_DIR=dir records the
# gateway from its start (JFR settings=profile, or JFR_SETTINGS) to dir/ingest.jfr, and prints each round's
# window (epoch ms) to cut it by: a recording started later with jcmd makes this JDK recompile the hot
# code, and the rounds after it measure that (bench/RESULTS.md). CPU_PROFILE_DIR=dir records it with
# async-profiler instead or as well (its CPU with native and kernel frames, which JFR does not see) to
# dir/ingest-cpu.jfr, with the same windows; bench/lib/profiler.sh says how to read it. Relative
# directories (both) are of the repository's root.
# OPEN_LOOP=off skips the open-loop part (A/B runs of the closed loop only).
# SEED_STORE=dir starts the gateway on a copy of that embedded store (store/), e.g. one holding millions
# of event ids (bash bench/store-key-lookups.sh with KEEP=dir), so the dedupe checks run at that size.
# After the closed-loop rounds it prints the share of the gateway's CPU the JIT's compiler threads took in
# the rounds the ratios are of, with a warning over 5 % (bench/lib/thread-cpu.sh, jit_share).
# THREAD_CPU=1 prints, after each round, the gateway's CPU by thread group in µs per request, and the times its
#   threads were put on a CPU (context switches: hand-offs and preemptions) per request
# (from /proc; a JVM's threads are named by what they do, so this says where the time goes, unsampled).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--ci" ]; then
  SECONDS_PER_ROUND=1; CONNECTIONS=4; ROUNDS=1; WARMUP=2; THREADS=1; CI_SIZE=ci
else
  SECONDS_PER_ROUND=${1:-20}; CONNECTIONS=${2:-32}; ROUNDS=${3:-3}; WARMUP=${4:-60}; THREADS=2
fi
DELIVERIES=${DELIVERIES:-off}
# the queues emptied after each load: with the deliveries paused and no backlog asked for
EMPTY_QUEUES=off
[ "$DELIVERIES" = off ] && [ "${BACKLOG:-}" != 1 ] && EMPTY_QUEUES=on
source bench/lib/gateway.sh
source bench/lib/thread-cpu.sh
install_wrk
packaged_jar
WORK=$(mktemp -d)
PORT=$(free_port)
STRIPE_SECRET="whsec_bench_$(random_hex 12)"
META_SECRET="bench-app-secret-$(random_hex 12)"
OPS="bench-ops-token-$(random_hex 16)"
PHONE_ID=106540352242922
cat > "$WORK/tenants.yml" <<YML
tenants:
  - id: bench-dealer
    name: Bench Dealer
    identities:
      stripe: cus_bench
      whatsapp: "$PHONE_ID"
YML
sed 's/cus_NffrFeUfNV2Hib/cus_bench/' src/test/resources/stripe/customer.subscription.updated.basil.json > "$WORK/stripe.json"
STRIPE_ID=evt_1RyZqHLkdIwHu7ixd5xA2yQp
cp src/test/resources/meta/whatsapp.text.json "$WORK/meta.json"
META_ID='wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA='
# the gateway's heap as the other benches give it; with BACKLOG=1 the queues the paused deliveries leave are
# paged to disk past the broker's memory limit (pasarela.broker.global-max-size), so they need no more
HEAP_SET=${HEAP:+yes}
HEAP=${HEAP:--Xmx1g}
if [ "$EMPTY_QUEUES" = on ]; then
  # one load's events held in the heap, not paged: a Stripe event takes ~5 KB there, and these machines have
  # ingested up to ~6,000 a second; the heap grows by as much as the limit
  BROKER_MB=$(( SECONDS_PER_ROUND * 40 > 256 ? SECONDS_PER_ROUND * 40 : 256 ))
  BENCH_ARGS="${BENCH_ARGS:-} --pasarela.broker.global-max-size=${BROKER_MB}MB"
  if [ -z "$HEAP_SET" ]; then
    HEAP=-Xmx$(( 1024 + BROKER_MB ))m
  else
    echo "note: the broker may hold ${BROKER_MB} MB of events in the heap HEAP=$HEAP gives" >&2
  fi
fi
if [ "$DELIVERIES" = off ]; then
  BENCH_ARGS="${BENCH_ARGS:-} --pasarela.delivery.auto-startup=false"
else
  BENCH_ARGS="${BENCH_ARGS:-} --pasarela.delivery.per-tenant-rate=5000"
fi
JFR_OPTS=
if [ -n "${JFR_DIR:-}" ]; then
  mkdir -p "$JFR_DIR"
  JFR_OPTS="-XX:StartFlightRecording=settings=${JFR_SETTINGS:-profile},filename=$(realpath "$JFR_DIR")/ingest.jfr"
fi
PROFILER_OPTS=
if [ -n "${CPU_PROFILE_DIR:-}" ]; then
  . bench/lib/profiler.sh
  mkdir -p "$CPU_PROFILE_DIR"
  PROFILER_OPTS=$(async_profiler_option "$CPU_PROFILE_DIR" ingest)
fi

if [ -n "${SEED_STORE:-}" ]; then
  mkdir -p "$WORK/data" && cp -r "$SEED_STORE" "$WORK/data/store"
fi
SERVER_PORT=$PORT PASARELA_DATA_DIR="$WORK/data" PASARELA_TENANTS_FILE="$WORK/tenants.yml" PASARELA_OPS_TOKEN="$OPS" \
  STRIPE_WEBHOOK_SECRET="$STRIPE_SECRET" META_APP_SECRET="$META_SECRET" \
  PASARELA_MASTER_KEYS="bench:$(head -c 32 /dev/urandom | base64)" \
  java $HEAP ${JAVA_OPTS:-} ${JFR_OPTS:+"$JFR_OPTS"} ${PROFILER_OPTS:+"$PROFILER_OPTS"} -jar "$JAR" --pasarela.bench.baseline-endpoint=true ${BENCH_ARGS:-} \
  --logging.level.root=WARN > "$WORK/gateway.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
wait_for_gateway "$PORT" "$WORK/gateway.log"

# wrk_run NAME PATH [wrk options…]: one wrk run; prints its RESULT line, exits when an answer was wrong
wrk_run() {
  local name=$1 path=$2; shift 2
  local scheme=stripe secret=$STRIPE_SECRET template=$WORK/stripe.json id=$STRIPE_ID
  if [ "$name" = meta ]; then scheme=meta secret=$META_SECRET template=$WORK/meta.json id=$META_ID; fi
  local out
  out=$(SCHEME=$scheme SECRET=$secret TEMPLATE=$template ID_TOKEN=$id THREADS=$THREADS \
        wrk -t"$THREADS" --timeout 10s -s bench/lib/webhook.lua "$@" "http://127.0.0.1:$PORT$path" 2>&1) || true
  local result
  result=$(grep '^RESULT' <<< "$out" || true)
  if [ -z "$result" ] || ! grep -q ' wrong=0 ' <<< "$result"; then
    { echo "FAILED $name: $out"; tail -20 "$WORK/gateway.log"; } >&2; exit 1
  fi
  echo "$name $result"
}

metric() { # the sum of one Prometheus series' values whose line matches $1
  curl -sf -H "Authorization: Bearer $OPS" "http://127.0.0.1:$PORT/actuator/prometheus" \
    | awk -v pat="$1" '$0 ~ pat && $0 !~ /^#/ {s += $NF} END {printf "%d\n", s}'
}

# waits until every accepted event of the provider was delivered (deliveries on); prints the seconds
drain() {
  [ "$DELIVERIES" = off ] && { echo 0; return; }
  local provider=$1 start=$SECONDS
  for _ in $(seq 1 600); do
    local accepted delivered
    accepted=$(metric "^pasarela_webhooks_events_total.*outcome=\"accepted\".*provider=\"$provider\"")
    delivered=$(metric "^camel_exchanges_total.*eventType=\"route\".*routeId=\"$provider.in.deliver\"")
    [ "$delivered" -ge "$accepted" ] && { echo $((SECONDS - start)); return; }
    sleep 0.5
  done
  echo "FAILED: $provider deliveries did not catch up in 300 s" >&2; exit 1
}

field() { sed -n "s/.* $2=\([0-9.]*\).*/\1/p" <<< "$1"; }

# the most the directory held at the end of a load of this round, before its queue was emptied (which
# deletes the page files)
ROUND_PAGED_MB=0
# empty_queue PROVIDER RESULT-LINE: with EMPTY_QUEUES, the provider's queue emptied through the gateway's JMX
# (purge_queue, bench/lib/gateway.sh) after a load; it must hold at least the load's 200s (one
# event each; a request wrk gave up on at its end may have been queued too). Prints what it removed, to stderr.
empty_queue() {
  local paged
  paged=$(paged_mb "$WORK/data"); [ "$paged" -gt "$ROUND_PAGED_MB" ] && ROUND_PAGED_MB=$paged
  [ "$EMPTY_QUEUES" = on ] || return 0
  local removed acknowledged
  acknowledged=$(field "$2" requests)
  removed=$(purge_queue "$WORK/tools" "$PID" "in.$1") \
    || { echo "FAILED: in.$1 could not be emptied" >&2; exit 1; }
  [ "$removed" -ge "$acknowledged" ] \
    || { echo "FAILED: in.$1 held $removed events after $acknowledged were acknowledged" >&2; exit 1; }
  echo "$1: $removed events removed from in.$1 ($acknowledged acknowledged)" >&2
  sleep 1 # the removal's journal records written before the next load starts
}

echo "# $(date -u +%FT%TZ), $(nproc) cores, $(java_version), wrk $(wrk -v 2>&1 | head -1 | cut -d' ' -f2)"
echo "# $ROUNDS rounds of ${SECONDS_PER_ROUND}s, $CONNECTIONS connections, $THREADS wrk threads, deliveries $DELIVERIES"
half=$((WARMUP / 2))
# warm_up NAME PATH SECONDS: with EMPTY_QUEUES, in loads of a round's length at most, each one's events removed
warm_up() {
  local left=$3 part line
  while [ "$left" -gt 0 ]; do
    part=$left; [ "$EMPTY_QUEUES" = on ] && [ "$part" -gt "$SECONDS_PER_ROUND" ] && part=$SECONDS_PER_ROUND
    line=$(wrk_run "$1" "$2" -c"$CONNECTIONS" -d"${part}s")
    [ "$1" = baseline ] || empty_queue "$1" "$line"
    left=$((left - part))
  done
}
warm_up baseline /webhooks/bench-noop "$half"
warm_up stripe /webhooks/stripe "$half"
warm_up meta /webhooks/meta "$((half / 2 + 1))"
drain stripe > /dev/null; drain meta > /dev/null
ROUND_PAGED_MB=0

declare -A total
COUNTED=$ROUNDS; FROM=1; [ "$ROUNDS" -gt 1 ] && { COUNTED=$((ROUNDS - 1)); FROM=2; }
for r in $(seq 1 "$ROUNDS"); do
  # the JIT's share is of the rounds the ratios are of
  [ "$r" = "$FROM" ] && thread_cpu_snapshot "$PID" "$WORK/jit.before"
  for name in baseline stripe meta; do
    path=/webhooks/$name; [ "$name" = baseline ] && path=/webhooks/bench-noop
    from=$(date +%s%3N)
    [ -n "${THREAD_CPU:-}" ] && thread_cpu_snapshot $PID "$WORK/cpu.before"
    line=$(wrk_run "$name" "$path" -c"$CONNECTIONS" -d"${SECONDS_PER_ROUND}s")
    [ -n "${THREAD_CPU:-}" ] && thread_cpu_snapshot $PID "$WORK/cpu.after" \
      && echo "round $r $name cpu-us-per-request (sys): $(thread_cpu_report "$WORK/cpu.before" "$WORK/cpu.after" "$(field "$line" requests)")" \
      && echo "round $r $name switches-per-request: $(thread_switch_report "$WORK/cpu.before" "$WORK/cpu.after" "$(field "$line" requests)")"
    [ -n "${JFR_DIR:-}${CPU_PROFILE_DIR:-}" ] && echo "jfr-window round $r $name from=$from to=$(date +%s%3N)"
    drained=0; [ "$name" != baseline ] && drained=$(drain "$name")
    echo "round $r $line drained_s=$drained"
    [ "$name" = baseline ] || empty_queue "$name" "$line"
    # the first round of several is left out of the means: it ran colder than the rest (a JIT still compiling)
    [ "$ROUNDS" -gt 1 ] && [ "$r" = 1 ] && continue
    total[$name]=$(python3 -c "print(${total[$name]:-0} + $(field "$line" rps))")
  done
  echo "round $r: the broker's paging directory held $ROUND_PAGED_MB MB at most"
  ROUND_PAGED_MB=0
done
thread_cpu_snapshot "$PID" "$WORK/jit.after"
base=$(python3 -c "print(round(${total[baseline]} / $COUNTED))")
for name in stripe meta; do
  python3 -c "print('ratio $name/baseline (mean of rounds $FROM-$ROUNDS): %.2f' % (${total[$name]} / ${total[baseline]}))"
done
jit_share "$WORK/jit.before" "$WORK/jit.after" "$FROM-$ROUNDS" "${CI_SIZE:-}"

# the generator must not be what is measured: the baseline again with half the threads and connections
line=$(wrk_run baseline /webhooks/bench-noop -t1 -c$((CONNECTIONS / 2 > 0 ? CONNECTIONS / 2 : 1)) -d"${SECONDS_PER_ROUND}s")
echo "generator-check $line (mean baseline of rounds $FROM-$ROUNDS: $base rps)"

# open loop: the latency at a fixed offered load, at half the baseline's throughput (the issue's
# measure) and at half the endpoint's own. A rate the gateway did not keep up with is marked NOT HELD:
# wrk's latencies then leave out the time requests waited for a free connection.
open_loop() {
  local name=$1 rate=$2 what=$3 line
  line=$(RATE=$rate wrk_run "$name" "/webhooks/$name" -c$((CONNECTIONS * 2)) -d"${SECONDS_PER_ROUND}s")
  local held=held
  python3 -c "import sys; sys.exit(0 if $(field "$line" rps) >= 0.97 * $rate and $(field "$line" late_10ms) <= 0.01 * $(field "$line" requests) else 1)" || held="NOT HELD"
  local drained
  drained=$(drain "$name")
  echo "open-loop $rate/s ($what, $held) $line drained_s=$drained"
  empty_queue "$name" "$line"
}
for name in stripe meta; do
  [ "${OPEN_LOOP:-on}" = off ] && break
  open_loop "$name" $((base / 2)) "half the baseline"
  open_loop "$name" $(python3 -c "print(max(1, round(${total[$name]} / $COUNTED / 2)))") "half its own throughput"
done
# a dead letter would have counted as delivered above
dead=$(metric '^pasarela_dead_letters_total')
[ "$dead" -eq 0 ] || { echo "FAILED: $dead events were dead-lettered" >&2; exit 1; }
echo "gateway: pid $PID, heap $(jcmd $PID GC.heap_info 2>/dev/null | awk '/used/ {print $0; exit}')"
# what stays: with BACKLOG=1, the queues the paused deliveries left, kept in the heap up to the broker's memory
# limit (pasarela.broker.global-max-size) and paged to disk past it; else the gateway with its queues emptied
heap=$(heap_after_gc $PID)
if [ "$heap" != n/a ]; then
  paged=$(paged_mb "$WORK/data")
  echo "heap after a full GC: $heap MB, paged: $paged MB"
else
  echo "heap after a full GC: n/a (jcmd GC.run failed)"
fi
