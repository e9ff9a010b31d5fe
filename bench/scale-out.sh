#!/usr/bin/env bash
# Scale-out ingest bench: signed Stripe webhooks into one, then two, gateway replicas that share an
# external Artemis primary/backup pair (shared store on PostgreSQL), the document store and dedupe
# keys on PostgreSQL and the limits on Redis — the topology of docs/scale-out.md, on loopback.
#   one   both wrk threads send to replica 1 (replica 2 runs, idle)
#   two   one wrk thread per replica
# first open loop across both replicas at FAILOVER_RATE (100/s), once steady and once while the primary
# broker is killed (SIGKILL) a third of the way in: the p99 across the fail-over, and how many webhooks
# were answered 503 (not journaled: the provider sends them again); then, on the backup, interleaved
# rounds (closed loop: throughput, p50/p90/p99). Any other status, a socket error or a run with no
# answer fails the bench.
# Deliveries are paused (the door is measured, as in bench/ingest.sh); the queues grow in the broker.
#
# Usage: bash bench/scale-out.sh [seconds-per-round] [connections] [rounds] [warm-up-seconds]
#        bash bench/scale-out.sh --ci          (a few hundred requests, no figures to keep)
# JAR selects the jar; PGHOST/PGPORT/PGUSER the PostgreSQL (127.0.0.1:5432, postgres); REDIS_URL the
# Redis (redis://127.0.0.1:6379): the run's keys have a prefix of their own, removed after it.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--ci" ]; then
  SECONDS_PER_ROUND=1; CONNECTIONS=4; ROUNDS=1; WARMUP=2; FAILOVER_SECONDS=12; FAILOVER_RATE=${FAILOVER_RATE:-20}
else
  SECONDS_PER_ROUND=${1:-20}; CONNECTIONS=${2:-32}; ROUNDS=${3:-3}; WARMUP=${4:-40}; FAILOVER_SECONDS=${FAILOVER_SECONDS:-45}
fi
THREADS=2
source bench/lib/gateway.sh
install_wrk
packaged_jar
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
WORK=$(mktemp -d)
RUN=$(date +%s)_$$
REDIS_KEY_PREFIX="pasarela-bench-$RUN:"
DB=bench_scaleout_$RUN
BROKER_DB=${DB}_broker
PORT1=$(free_port); PORT2=$(free_port)
BROKER_PRIMARY=$(free_port); BROKER_BACKUP=$(free_port)
STRIPE_SECRET="whsec_bench_$(random_hex 12)"
OPS="bench-ops-token-$(random_hex 16)"
MASTER_KEYS="bench:$(head -c 32 /dev/urandom | base64)"
cat > "$WORK/tenants.yml" <<YML
tenants:
  - id: bench-dealer
    name: Bench Dealer
    identities:
      stripe: cus_bench
YML
sed 's/cus_NffrFeUfNV2Hib/cus_bench/' src/test/resources/stripe/customer.subscription.updated.basil.json > "$WORK/stripe.json"
STRIPE_ID=evt_1RyZqHLkdIwHu7ixd5xA2yQp

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  bash bench/lib/artemis-pair.sh kill "$WORK/artemis" > /dev/null 2>&1 || true
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "DROP DATABASE IF EXISTS $BROKER_DB WITH (FORCE)" \
    > /dev/null 2>&1 || true
  redis-cli -u "$REDIS_URL" --scan --pattern "$REDIS_KEY_PREFIX*" 2>/dev/null \
    | xargs -r redis-cli -u "$REDIS_URL" DEL > /dev/null 2>&1 || true
  if [ "$OK" != 1 ]; then # the logs of a failed run stay
    mkdir -p target/bench-logs && cp -r "$WORK" "target/bench-logs/scale-out-$RUN" 2>/dev/null || true
    echo "logs: target/bench-logs/scale-out-$RUN" >&2
  fi
  rm -rf "$WORK"
}
OK=0
trap cleanup EXIT
psql -q -d postgres -c "CREATE DATABASE $DB" -c "CREATE DATABASE $BROKER_DB" > /dev/null

ARTEMIS_JDBC_USER=$PGUSER ARTEMIS_JDBC_PASSWORD=${PGPASSWORD:-} bash bench/lib/artemis-pair.sh start "$WORK/artemis" \
  "jdbc:postgresql://$PGHOST:$PGPORT/$BROKER_DB" "$BROKER_PRIMARY" "$BROKER_BACKUP" > "$WORK/artemis-start.log" 2>&1 \
  || { echo "FAILED: the broker pair did not start"; cat "$WORK/artemis-start.log"; exit 1; }
. "$WORK/artemis/credentials"
BROKER_URL=$(cat "$WORK/artemis/broker-url")

# start_replica N PORT: one gateway on the shared services, deliveries paused
start_replica() {
  SERVER_PORT=$2 PASARELA_DATA_DIR="$WORK/data$1" PASARELA_TENANTS_FILE="$WORK/tenants.yml" PASARELA_OPS_TOKEN="$OPS" \
    STRIPE_WEBHOOK_SECRET="$STRIPE_SECRET" PASARELA_MASTER_KEYS="$MASTER_KEYS" \
    PASARELA_STORE_TYPE=jdbc SPRING_DATASOURCE_URL="jdbc:postgresql://$PGHOST:$PGPORT/$DB" \
    SPRING_DATASOURCE_USERNAME="$PGUSER" SPRING_DATASOURCE_PASSWORD="${PGPASSWORD:-}" \
    SPRING_ARTEMIS_MODE=native SPRING_ARTEMIS_EMBEDDED_ENABLED=false SPRING_ARTEMIS_BROKER_URL="$BROKER_URL" \
    SPRING_ARTEMIS_USER="$ARTEMIS_USER" SPRING_ARTEMIS_PASSWORD="$ARTEMIS_PASSWORD" \
    PASARELA_RATE_LIMITS_STORE=redis PASARELA_REDIS_URL="$REDIS_URL" PASARELA_REDIS_KEY_PREFIX="$REDIS_KEY_PREFIX" \
    java -Xmx1g ${JAVA_OPTS:-} -jar "$JAR" --pasarela.delivery.auto-startup=false --logging.level.root=WARN \
    > "$WORK/gateway$1.log" 2>&1 &
  PIDS+=($!)
}
# one after the other: the first creates the schema and the tenants
start_replica 1 "$PORT1"; wait_for_gateway "$PORT1" "$WORK/gateway1.log"
start_replica 2 "$PORT2"; wait_for_gateway "$PORT2" "$WORK/gateway2.log"

# wrk_run NAME TARGETS [wrk options…]: prints NAME and wrk's RESULT line; exits when an answer was wrong
wrk_run() {
  local name=$1 targets=$2; shift 2
  local out result
  out=$(SCHEME=stripe SECRET=$STRIPE_SECRET TEMPLATE=$WORK/stripe.json ID_TOKEN=$STRIPE_ID THREADS=$THREADS \
        TARGETS=$targets wrk -t"$THREADS" --timeout 10s -s bench/lib/webhook.lua "$@" \
        "http://127.0.0.1:$PORT1/webhooks/stripe" 2>&1) || true
  result=$(grep '^RESULT' <<< "$out" || true)
  # no answer at all is wrong too (wrk counts a request it gave up on only as a timeout)
  if [ -z "$result" ] || ! grep -q ' wrong=0 ' <<< "$result" || grep -q 'RESULT requests=0 ' <<< "$result" \
     || grep -q 'Socket errors' <<< "$out"; then
    { echo "FAILED $name: $out"; tail -20 "$WORK/gateway1.log" "$WORK/gateway2.log"; } >&2; exit 1
  fi
  echo "$name $result"
}
field() { sed -n "s/.* $2=\([0-9.]*\).*/\1/p" <<< "$1"; }
# CPU seconds used so far by each part (user + system, from /proc): where a round's time went
cpu_of() { local t=0 p; for p in "$@"; do [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
cpu_snapshot() {
  echo "gateway1=$(cpu_of "${PIDS[0]}") gateway2=$(cpu_of "${PIDS[1]}")" \
    "brokers=$(cpu_of "$(cat "$WORK/artemis/primary.pid" 2>/dev/null)" "$(cat "$WORK/artemis/backup.pid" 2>/dev/null)")" \
    "postgres=$(cpu_of $(pgrep -x postgres || true)) redis=$(cpu_of $(pgrep -x redis-server || true))"
}
# cpu_share BEFORE AFTER SECONDS: each part's share of the machine's cores over the round, in %
cpu_share() {
  python3 - "$1" "$2" "$3" "$(getconf CLK_TCK)" "$(nproc)" <<'PY'
import sys
before = dict(kv.split("=") for kv in sys.argv[1].split())
after = dict(kv.split("=") for kv in sys.argv[2].split())
seconds, tck, cores = float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
parts = {k: (int(after[k]) - int(before[k])) / tck / seconds / cores * 100 for k in after}
print("cpu% of the machine: " + " ".join(f"{k}={v:.0f}" for k, v in parts.items())
      + f" rest(wrk, the OS)={100 - sum(parts.values()):.0f}")
PY
}
ONE=127.0.0.1:$PORT1,127.0.0.1:$PORT1
TWO=127.0.0.1:$PORT1,127.0.0.1:$PORT2

echo "# $(date -u +%FT%TZ), $(nproc) cores, $(java_version), wrk $(wrk -v 2>&1 | head -1 | cut -d' ' -f2)"
echo "# $ROUNDS rounds of ${SECONDS_PER_ROUND}s, $CONNECTIONS connections, $THREADS wrk threads; Artemis pair (JDBC shared store), PostgreSQL store, Redis limits"
# open loop across both replicas at a fixed rate: steady, then across a fail-over. Before the rounds:
# with deliveries paused every event stays queued, and a backup taking over a store of tens of
# thousands of messages loads them all before it answers, which a broker of a running gateway
# (queues near empty) does not have to.
rate=${FAILOVER_RATE:-100}
wrk_run warm-up "$TWO" -c"$CONNECTIONS" -d"$((WARMUP / 4 + 1))s" > /dev/null
line=$(RATE=$rate wrk_run steady "$TWO" -c$((CONNECTIONS * 2)) -d"${FAILOVER_SECONDS}s")
echo "open-loop $rate/s, brokers steady: $line"
kill_at=$((FAILOVER_SECONDS / 3))
( sleep "$kill_at"; bash bench/lib/artemis-pair.sh kill-primary "$WORK/artemis"; date +%s.%N > "$WORK/killed-at" ) &
killer=$!
line=$(RATE=$rate ALLOW=503 wrk_run failover "$TWO" -c$((CONNECTIONS * 2)) -d"${FAILOVER_SECONDS}s")
wait $killer
echo "open-loop $rate/s, primary broker killed at ${kill_at}s: $line"
# both replicas answer again through the backup
line=$(wrk_run after-failover "$TWO" -c"$CONNECTIONS" -d"$((SECONDS_PER_ROUND < 5 ? 2 : 5))s")
echo "closed loop after the fail-over: $line"
wrk_run one "$ONE" -c"$CONNECTIONS" -d"$((WARMUP / 2))s" > /dev/null
wrk_run two "$TWO" -c"$CONNECTIONS" -d"$((WARMUP / 2))s" > /dev/null
declare -A total
for r in $(seq 1 "$ROUNDS"); do
  for name in one two; do
    targets=$ONE; [ "$name" = two ] && targets=$TWO
    before=$(cpu_snapshot); started=$(date +%s.%N)
    line=$(wrk_run "$name" "$targets" -c"$CONNECTIONS" -d"${SECONDS_PER_ROUND}s")
    echo "round $r $line"
    echo "round $r $name $(cpu_share "$before" "$(cpu_snapshot)" "$(python3 -c "print($(date +%s.%N) - $started)")")"
    total[$name]=$(python3 -c "print(${total[$name]:-0} + $(field "$line" rps))")
  done
done
python3 -c "print('ratio two/one replicas (mean of rounds): %.2f' % (${total[two]} / ${total[one]}))"

OK=1
