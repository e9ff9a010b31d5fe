#!/usr/bin/env bash
# Outbound WhatsApp benchmark against the packaged jar on loopback, load from wrk (bench/lib/outbound.lua).
#   accept:   POST /api/v1/whatsapp/messages (a unique text and Idempotency-Key each, expect 202) against
#             the authenticated baseline GET /api/v1/usage (expect 200) of the same server, in interleaved
#             rounds after a warm-up; throughput, p50/p90/p99 of each and the ratio, of all rounds and of
#             rounds 2-N (the first of several runs colder, as in bench/ingest.sh).
#   delivery: the messages accepted in the rounds are the backlog (the delivery route is stopped through
#             Camel's JMX while they are accepted, then started): msg/s to a Graph API stand-in with the
#             provider rate lifted, delivery alone; every accepted message must reach it exactly once.
# Fails (exit 1) on any answer with another status, any socket error, a load wrk reports nothing for, a message
# delivered twice or never.
#
# Usage: bash bench/outbound.sh [round-seconds] [connections] [rounds] [warm-up-seconds]
#        bash bench/outbound.sh --ci        (a few hundred requests, no timing assertion; with STEPS=1)
# Env: RATE (messages/s per number, default 100000: lifted), THREADS (wrk -t, 1), CONTACTS (the contacts the
#      sends go round, each with its 24 h window open; default 1: every send updates one conversation, whose
#      store lock the concurrent accepts then queue on), JAVA_OPTS, BENCH_ARGS
#      (gateway properties), JFR_DIR (a JFR recording from the gateway's start, dir/outbound.jfr, and the
#      accept rounds' and the delivery's windows in epoch ms to cut it by; JFR_SETTINGS: another .jfc than
#      the JDK's profile), CPU_PROFILE_DIR (async-profiler from the gateway's start: its CPU with native and
#      kernel frames, which JFR does not see, to dir/outbound-cpu.jfr; bench/lib/profiler.sh says how to read
#      it); with either, it prints the windows of the accept rounds and of the delivery, and on stderr each
#      load's (keep 2>&1 to have them). Relative directories are of the repository's root.
#      After the rounds: the share of the gateway's CPU the JIT's compiler threads took in rounds 2-N, with a
#      warning over 5 % (bench/lib/thread-cpu.sh, jit_share).
#      STEPS=1: the accept taken apart as well (src/…/integrations/meta/WhatsAppAcceptSteps.java): in each round,
#      between the GET and the POST, the accept's door alone and with one of its steps (the quota's unit, the
#      record's store transaction, the journaled enqueue), each as a ratio to the GET, in an order that turns by
#      one each round. The quota step counts its units on a channel of its own (bench-accept-steps), which the
#      GET's answer then lists too; the enqueue step's queue is emptied after each of its loads (nothing consumes it).
#      After each round: the size of the broker's paging directory (the accept's backlog and the enqueue step's
#      queue share its memory limit, pasarela.broker.global-max-size; past it every enqueue writes a page).
#      THREAD_CPU=1 (after each round, the gateway's CPU per request by thread group, bench/lib/thread-cpu.sh,
#      and the times its threads were put on a CPU, context switches; after the drain, per delivered message).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--ci" ]; then
  ROUND=2; CONNECTIONS=4; ROUNDS=1; WARMUP=2; CI_SIZE=ci
  STEPS=${STEPS:-1} # the steps' endpoints are answered right too
else
  # 4 minutes: on two cores the JIT is still compiling the POST's path after one (jit_share below)
  ROUND=${1:-15}; CONNECTIONS=${2:-16}; ROUNDS=${3:-3}; WARMUP=${4:-240}
fi
RATE=${RATE:-100000}
CONTACTS=${CONTACTS:-1}
[[ "$CONTACTS" =~ ^[1-9][0-9]{0,4}$ ]] || { echo "CONTACTS must be 1-99999 (bench/lib/outbound.lua numbers them in five digits)"; exit 2; }
THREADS=${THREADS:-1}
STEP_MODES=
[ "${STEPS:-}" = 1 ] && STEP_MODES="step-door step-quota step-record step-enqueue"
. bench/lib/gateway.sh
install_wrk
packaged_jar
. bench/lib/thread-cpu.sh
WORK=$(mktemp -d)
PORT=$(free_port)
GRAPH_PORT=$(free_port)
OPS="bench-ops-token-$(random_hex 16)"
APP_SECRET="bench-app-secret-$(random_hex 8)"
cat > "$WORK/plans.yml" <<YML
default-plan: bench
past-due-grace: P7D
plans:
  bench:
    prices: []
    requests-per-second: 100000
    integration-requests-per-second: {default: 100000}
    quotas: {whatsapp: 100000000}
YML
cat > "$WORK/tenants.yml" <<YML
tenants:
  - id: bench-dealer
    name: Bench Dealer
    plan: bench
    identities:
      whatsapp: "106540352242922"
YML
JFR_OPTS=
if [ -n "${JFR_DIR:-}" ]; then
  mkdir -p "$JFR_DIR"
  JFR_OPTS="-XX:StartFlightRecording=settings=${JFR_SETTINGS:-profile},filename=$(realpath "$JFR_DIR")/outbound.jfr"
fi
PROFILER_OPTS=
if [ -n "${CPU_PROFILE_DIR:-}" ]; then
  . bench/lib/profiler.sh
  mkdir -p "$CPU_PROFILE_DIR"
  PROFILER_OPTS=$(async_profiler_option "$CPU_PROFILE_DIR" outbound)
fi
# nodelay: the JDK server writes headers and body apart, and Nagle would hold the body for the client's
# delayed ACK (40 ms): the stand-in, not the gateway, would set the pace
java -Dsun.net.httpserver.nodelay=true bench/OutboundBench.java stand-in "$GRAPH_PORT" > "$WORK/stand-in.log" 2>&1 &
STAND_IN=$!
SERVER_PORT=$PORT PASARELA_DATA_DIR="$WORK/data" PASARELA_TENANTS_FILE="$WORK/tenants.yml" \
  PASARELA_PLANS_FILE="$WORK/plans.yml" PASARELA_OPS_TOKEN="$OPS" STRIPE_WEBHOOK_SECRET="whsec_bench_unused" \
  META_APP_SECRET="$APP_SECRET" META_GRAPH_BASE_URL="http://127.0.0.1:$GRAPH_PORT" \
  WHATSAPP_MESSAGES_PER_SECOND="$RATE" PASARELA_MASTER_KEYS="bench:$(head -c 32 /dev/urandom | base64)" \
  java -Xmx1g ${JAVA_OPTS:-} ${JFR_OPTS:+"$JFR_OPTS"} ${PROFILER_OPTS:+"$PROFILER_OPTS"} -jar "$JAR" ${STEP_MODES:+--pasarela.bench.accept-steps=true} ${BENCH_ARGS:-} --logging.level.root=WARN > "$WORK/gateway.log" 2>&1 &
PID=$!
trap 'kill $PID $STAND_IN 2>/dev/null; wait $PID $STAND_IN 2>/dev/null || true; rm -rf "$WORK"' EXIT
wait_for_gateway "$PORT" "$WORK/gateway.log"
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$GRAPH_PORT/_bench/stats" > /dev/null && break; sleep 0.5; done

KEY=$(api_key "$PORT" "$OPS" bench-dealer)
# the tenant's own token in the vault, as a dealership has it (the platform default would skip the decrypt)
curl -sf -X PUT "http://127.0.0.1:$PORT/ops/tenants/bench-dealer/credentials/whatsapp" -H "Authorization: Bearer $OPS" \
  -H 'Content-Type: application/json' -d '{"accessToken":"EAAG-bench-tenant-token"}'
java bench/OutboundBench.java window "$PORT" "$APP_SECRET" "$CONTACTS"
# the inbound messages that open the windows are still on their way, taken in no set order: each contact's is awaited
for c in $(seq 0 $((CONTACTS - 1))); do
  to=$(printf '+52155000%05d' "$c")
  for i in $(seq 1 100); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$PORT/api/v1/whatsapp/messages" \
      -H "X-Api-Key: $KEY" -H 'Content-Type: application/json' \
      -d '{"to":"'"$to"'","type":"text","text":{"body":"Hola"}}')
    [ "$code" = 202 ] && break
    [ "$i" = 100 ] && { echo "the window of contact $c did not open (last answer $code)"; exit 1; }
    sleep 0.2
  done
done

export API_KEY=$KEY ID_DIR=$WORK CONTACTS THREADS
FAILED=0
# load MODE SECONDS: one wrk run; prints its RESULT line, counts wrong answers
load() {
  local out from
  [ -n "${THREAD_CPU:-}" ] && thread_cpu_snapshot "$PID" "$WORK/cpu.before"
  from=$(date +%s%3N)
  out=$(MODE=$1 RUN="r$(date +%s%N)" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2"s --latency -s bench/lib/outbound.lua \
    "http://127.0.0.1:$PORT" | grep '^RESULT') || true
  # wrk died or printed nothing: a result that counts nothing and fails the bench, so that the table and the
  # other loads' ratios are still printed
  [ -n "$out" ] || { echo "$1: wrk printed no RESULT line" >&2; out="RESULT requests=0 seconds=0 rps=0 p50_ms=- p90_ms=- p99_ms=- max_ms=- wrong=no-result accepted=0"; }
  # each load's window (warm-ups too), to cut a recording by: a GET's apart from a POST's
  [ -n "${JFR_DIR:-}${CPU_PROFILE_DIR:-}" ] && echo "jfr-window $1 from=$from to=$(date +%s%3N)" >&2
  echo "$out"
  # (per request: not for a load wrk reported nothing for)
  [ -n "${THREAD_CPU:-}" ] && [ "$(field " $out" requests)" != 0 ] && thread_cpu_snapshot "$PID" "$WORK/cpu.after" \
    && echo "$1 cpu-us-per-request (sys):" \
    "$(thread_cpu_report "$WORK/cpu.before" "$WORK/cpu.after" "$(field " $out" requests)")" >&2 \
    && echo "$1 switches-per-request: $(thread_switch_report "$WORK/cpu.before" "$WORK/cpu.after" "$(field " $out" requests)")" >&2
  case "$out" in *" wrong=0 "*) ;; *) FAILED=1 ;; esac
}
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<< "$1"; }
# nothing consumes the enqueue step's queue (WhatsAppAcceptSteps.QUEUE): it is emptied after each of that step's
# loads, else its messages would take the broker past that limit within a run, and every enqueue after, the
# accept's too, would write a page (the first runs of the steps paged 8, 59 and 103 MB by rounds 1-3)
purge_step_queue() {
  [ "$1" = step-enqueue ] || return 0
  local removed
  # a queue not emptied would take the next loads' figures past the limit: the run fails, its table still printed
  removed=$(purge_queue "$WORK/tools" "$PID" bench.accept-steps) \
    || { echo "enqueue step: its queue could not be emptied" >&2; FAILED=1; return 0; }
  echo "enqueue step: $removed messages removed from its queue" >&2
  sleep 1 # the removal's journal records written before the next load starts
}
used() { curl -sf "http://127.0.0.1:$PORT/api/v1/usage" -H "X-Api-Key: $KEY" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["channels"]["whatsapp"]["used"])'; }
stat() { curl -sf "http://127.0.0.1:$GRAPH_PORT/_bench/stats"; }
cpu_ms() { awk '{print ($14 + $15) * 10}' "/proc/$1/stat"; }
# await_delivered N SECONDS: until the stand-in holds N distinct messages
await_delivered() {
  for _ in $(seq 1 $(($2 * 10))); do
    [ "$(field " $(stat)" distinct)" -ge "$1" ] && return 0
    sleep 0.1
  done
  echo "delivery: only $(field " $(stat)" distinct) of $1 accepted messages reached the stand-in"; FAILED=1; return 1
}
route() { java bench/OutboundBench.java route "$PID" whatsapp.out.deliver "$1"; }

half=$(( (WARMUP + 3) / 4 ))
# the steps' loads warm code the GET and the accept mostly warm too: a quarter of their time each, on top
step_half=$(( (half + 3) / 4 ))
echo "# $(date -u +%FT%TZ) $(nproc) cores; wrk -t$THREADS -c$CONNECTIONS; warm-up ${WARMUP}s${STEP_MODES:+ (and $((8 * step_half))s of the steps)}, then $ROUNDS x (${ROUND}s GET + ${STEP_MODES:+${ROUND}s each of ${STEP_MODES//step-/} + }${ROUND}s POST); rate ${RATE}/s per number"
# a wrong answer in the warm-up fails the bench too: its RESULT line says which kind (statuses go to stderr)
for _ in 1 2; do
  for mode in usage $STEP_MODES send; do
    seconds=$half; [[ $mode == step-* ]] && seconds=$step_half
    load "$mode" "$seconds" > "$WORK/warm-up.out"
    purge_step_queue "$mode"
    grep '^RESULT' "$WORK/warm-up.out" | grep -v ' wrong=0 ' | sed "s/^/warm-up $mode /" || true
  done
done
sleep 1
await_delivered "$(used)" 120 || true
[ "$FAILED" = 0 ] || { echo "FAILED in the warm-up"; exit 1; }

route stop
ACCEPT_FROM=$(date +%s%3N)
declare -a GETS POSTS
declare -A STEP_RESULTS # "<mode> <round>": its RESULT line
read -ra STEP_ORDER <<< "$STEP_MODES"
for r in $(seq 1 "$ROUNDS"); do
  # the JIT's share is of the rounds the warm ratio is of (rounds 2-N of several)
  { [ "$ROUNDS" = 1 ] || [ "$r" = 2 ]; } && thread_cpu_snapshot "$PID" "$WORK/jit.before"
  GETS+=("$(load usage "$ROUND")")
  # the steps' order turns by one each round: a load takes over the background work (store flushes, the
  # broker's backlog) of the one before it, which is then not always the same step
  for i in "${!STEP_ORDER[@]}"; do
    mode=${STEP_ORDER[$(( (i + r - 1) % ${#STEP_ORDER[@]} ))]}
    STEP_RESULTS["$mode $r"]=$(load "$mode" "$ROUND")
    purge_step_queue "$mode"
  done
  POSTS+=("$(load send "$ROUND")")
  # past pasarela.broker.global-max-size every enqueue writes a page and pays more: the figures say when that happened
  echo "round $r: the broker's paging directory holds $(paged_mb "$WORK/data") MB"
done
[ -n "${JFR_DIR:-}${CPU_PROFILE_DIR:-}" ] && echo "jfr-window accept from=$ACCEPT_FROM to=$(date +%s%3N)"
thread_cpu_snapshot "$PID" "$WORK/jit.after"
sleep 1 # a request wrk gave up on at its end may still be accepted: the count below includes it

echo
echo "| round | endpoint | requests | req/s | p50 (ms) | p90 (ms) | p99 (ms) | wrong |"
echo "|---|---|---|---|---|---|---|---|"
greq=0; gsec=0; preq=0; psec=0; wgreq=0; wgsec=0; wpreq=0; wpsec=0
# sum_into REQUESTS SECONDS RESULT: adds a wrk RESULT line's requests and seconds to the two sums named
sum_into() {
  printf -v "$1" '%s' $(( ${!1} + $(field " $3" requests) ))
  printf -v "$2" '%s' "$(python3 -c "print(${!2} + $(field " $3" seconds))")"
}
for r in $(seq 1 "$ROUNDS"); do
  pairs=("GET /api/v1/usage|${GETS[$((r-1))]}")
  for mode in $STEP_MODES; do pairs+=("POST …/accept-steps/${mode#step-}|${STEP_RESULTS["$mode $r"]}"); done
  pairs+=("POST /api/v1/whatsapp/messages|${POSTS[$((r-1))]}")
  for pair in "${pairs[@]}"; do
    name=${pair%%|*}; res=" ${pair#*|}"
    [ "$(field "$res" wrong)" = 0 ] || FAILED=1
    echo "| $r | $name | $(field "$res" requests) | $(field "$res" rps) | $(field "$res" p50_ms) | $(field "$res" p90_ms) | $(field "$res" p99_ms) | $(field "$res" wrong) |"
  done
  sum_into greq gsec "${GETS[$((r-1))]}"; sum_into preq psec "${POSTS[$((r-1))]}"
  # as in bench/ingest.sh, the first round of several is left out of the warm ratio: the POST's larger path
  # is still being compiled in it (after 60 s of warm-up the JIT's threads still took 526-613 µs per POST in
  # round 2; after the default 240 s, 5-23: bench/RESULTS.md)
  if [ "$ROUNDS" = 1 ] || [ "$r" -gt 1 ]; then
    sum_into wgreq wgsec "${GETS[$((r-1))]}"; sum_into wpreq wpsec "${POSTS[$((r-1))]}"
  fi
done
FROM=1; [ "$ROUNDS" -gt 1 ] && FROM=2
# rate REQUESTS SECONDS (0 for a load wrk did not report) and ratio A B ("n/a" against a rate of 0): python
# expressions, so a load without a RESULT line leaves the other lines printed
rate() { echo "($1 / $2 if $2 else 0)"; }
ratio() { echo "(format($1 / $2, '.2f') if $2 else 'n/a')"; }
python3 -c "g=$(rate $greq $gsec); p=$(rate $preq $psec); q=$(ratio p g); print(f'\nAll rounds: GET {g:.0f} req/s, POST {p:.0f} req/s; accept / baseline = {q}')"
python3 -c "g=$(rate $wgreq $wgsec); p=$(rate $wpreq $wpsec); q=$(ratio p g); print(f'Rounds $FROM-$ROUNDS: GET {g:.0f} req/s, POST {p:.0f} req/s; accept / baseline = {q}')"
# each step's ratio to the GET of the same rounds (its own requests and seconds summed as the accept's are)
for mode in $STEP_MODES; do
  sreq=0; ssec=0
  for r in $(seq "$FROM" "$ROUNDS"); do sum_into sreq ssec "${STEP_RESULTS["$mode $r"]}"; done
  python3 -c "g=$(rate $wgreq $wgsec); s=$(rate $sreq $ssec); q=$(ratio s g); print(f'Rounds $FROM-$ROUNDS: ${mode#step-} step {s:.0f} req/s; / baseline = {q}')"
done
jit_share "$WORK/jit.before" "$WORK/jit.after" "$FROM-$ROUNDS" "${CI_SIZE:-}"

TOTAL=$(used)
BEFORE=$(field " $(stat)" distinct)
BACKLOG=$((TOTAL - BEFORE))
curl -sf -X POST "http://127.0.0.1:$GRAPH_PORT/_bench/reset" > /dev/null
S0=$(field " $(stat)" cpu_ms); G0=$(cpu_ms "$PID"); T0=$(date +%s%3N)
[ -n "${THREAD_CPU:-}" ] && thread_cpu_snapshot "$PID" "$WORK/cpu.before"
DELIVERY_FROM=$(date +%s%3N)
route start
await_delivered "$TOTAL" 300 || true
[ -n "${JFR_DIR:-}${CPU_PROFILE_DIR:-}" ] && echo "jfr-window delivery from=$DELIVERY_FROM to=$(date +%s%3N)"
sleep 2 # a duplicate would come after the last first arrival
S=$(stat); T1=$(date +%s%3N)
G1=$(cpu_ms "$PID"); S1=$(field " $S" cpu_ms)
[ -n "${THREAD_CPU:-}" ] && thread_cpu_snapshot "$PID" "$WORK/cpu.after" && echo "delivery cpu-us-per-message (sys):" \
  "$(thread_cpu_report "$WORK/cpu.before" "$WORK/cpu.after" "$BACKLOG")" >&2 \
  && echo "delivery switches-per-message: $(thread_switch_report "$WORK/cpu.before" "$WORK/cpu.after" "$BACKLOG")" >&2
first=$(field " $S" first_ms); last=$(field " $S" last_ms)
python3 -c "
n=$BACKLOG; d=max(1,$last-$first)/1000; g=$G1-$G0; s=$S1-$S0; w=max(1,$T1-$T0)
print(f'Delivery alone: backlog of {n} messages in {d:.1f} s (first to last arrival) = {n/d:.0f} msg/s; '
      f'CPU while draining: gateway {g/1000:.1f} s, stand-in {s/1000:.1f} s ({100*s/max(1,g+s):.0f}% of both)')"

# exactly once: no id twice, as many distinct ids as messages metered, every 202 among them
cat "$WORK"/ids-* | sort -u > "$WORK/accepted.txt"
curl -sf -X POST "http://127.0.0.1:$GRAPH_PORT/_bench/ids" -d "$WORK/delivered.txt" > /dev/null
sort -u -o "$WORK/delivered.txt" "$WORK/delivered.txt"
missing=$(comm -23 "$WORK/accepted.txt" "$WORK/delivered.txt" | wc -l)
dups=$(field " $S" duplicates); distinct=$(field " $S" distinct)
echo "Exactly once: $TOTAL messages metered, $distinct distinct at the stand-in, $dups duplicates, $missing answered 202 but not delivered"
[ "$dups" = 0 ] && [ "$missing" = 0 ] && [ "$distinct" = "$TOTAL" ] || FAILED=1
[ "$FAILED" = 0 ] || { echo "FAILED"; exit 1; }
