#!/usr/bin/env bash
# Outbound WhatsApp benchmark against the packaged jar on loopback: the accept path
# (POST /api/v1/whatsapp/messages → 202) against an authenticated baseline (GET /api/v1/usage) of
# the same server, then the delivery side to a local Graph API stand-in, shaped per number.
# Usage: bash bench/outbound.sh [requests-per-round] [concurrency] [rounds] [messages-per-second]
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=${1:-2000}
CONCURRENCY=${2:-16}
ROUNDS=${3:-3}
RATE=${4:-80}
JAR=target/pasarela-0.1.0-SNAPSHOT.jar
[ -f "$JAR" ] || mvn -q -B package -DskipTests
WORK=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
GRAPH_PORT=$(free_port)
OPS="bench-ops-token-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
APP_SECRET="bench-app-secret-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
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
SERVER_PORT=$PORT PASARELA_DATA_DIR="$WORK/data" PASARELA_TENANTS_FILE="$WORK/tenants.yml" \
  PASARELA_PLANS_FILE="$WORK/plans.yml" PASARELA_OPS_TOKEN="$OPS" STRIPE_WEBHOOK_SECRET="whsec_bench_unused" \
  META_APP_SECRET="$APP_SECRET" META_GRAPH_BASE_URL="http://127.0.0.1:$GRAPH_PORT" \
  WHATSAPP_ACCESS_TOKEN="EAAG-bench" WHATSAPP_MESSAGES_PER_SECOND="$RATE" \
  PASARELA_MASTER_KEYS="bench:$(head -c 32 /dev/urandom | base64)" \
  java -Xmx1g ${JAVA_OPTS:-} -jar "$JAR" ${BENCH_ARGS:-} --logging.level.root=WARN > "$WORK/gateway.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$PORT/actuator/health" > /dev/null && break
  sleep 0.5
done
echo "# $(date -u +%FT%TZ) $(nproc) cores, $REQUESTS requests x $ROUNDS rounds, concurrency $CONCURRENCY, $RATE messages/s per number"
java bench/OutboundBench.java "$PORT" "$GRAPH_PORT" "$OPS" "$APP_SECRET" "$REQUESTS" "$CONCURRENCY" "$ROUNDS" "$RATE"
