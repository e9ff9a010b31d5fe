#!/usr/bin/env bash
# Webhook ingest benchmark against the packaged jar on loopback, with its bare baseline endpoint
# measured in the same run. Usage: bash bench/ingest.sh [requests-per-round] [concurrency] [rounds]
# JAVA_OPTS (JVM flags, e.g. a JFR recording) and BENCH_ARGS (gateway properties) are passed through.
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=${1:-3000}
CONCURRENCY=${2:-16}
ROUNDS=${3:-3}
JAR=target/pasarela-0.1.0-SNAPSHOT.jar
[ -f "$JAR" ] || mvn -q -B package -DskipTests
WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
SECRET="whsec_bench_$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
cat > "$WORK/tenants.yml" <<YML
tenants:
  - id: bench-dealer
    name: Bench Dealer
    identities:
      stripe: cus_bench
YML
SERVER_PORT=$PORT PASARELA_DATA_DIR="$WORK/data" PASARELA_TENANTS_FILE="$WORK/tenants.yml" \
  PASARELA_OPS_TOKEN="bench-ops-token-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
  STRIPE_WEBHOOK_SECRET="$SECRET" PASARELA_MASTER_KEYS="bench:$(head -c 32 /dev/urandom | base64)" \
  java -Xmx1g ${JAVA_OPTS:-} -jar "$JAR" --pasarela.bench.baseline-endpoint=true ${BENCH_ARGS:-} --logging.level.root=WARN > "$WORK/gateway.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$PORT/actuator/health" > /dev/null && break
  sleep 0.5
done
echo "# $(date -u +%FT%TZ) $(nproc) cores, $REQUESTS requests x $ROUNDS rounds, concurrency $CONCURRENCY"
java bench/IngestBench.java "$PORT" "$SECRET" cus_bench "$REQUESTS" "$CONCURRENCY" "$ROUNDS"
