#!/usr/bin/env bash
# AI latency benchmark: how much the gateway adds to an AI call. The same wrk run shape measures
# POST /api/v1/ai/sentiment through the packaged jar and the OpenAI stand-in it calls, directly;
# the difference of the percentiles is the gateway's share (auth, plan and quota checks, the pool,
# retries' bookkeeping, schema validation, token metering in the store).
# Usage: bash bench/ai.sh [seconds] [connections]. Fails when any answer is not a 200.
# JAR (the jar to start, default the packaged one), JAVA_OPTS (JVM flags) and BENCH_ARGS (gateway
# properties) are passed through.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/gateway.sh
SECONDS_PER_RUN=${1:-20}
CONNECTIONS=${2:-8}
THREADS=$(( CONNECTIONS < 2 ? 1 : 2 ))
install_wrk
packaged_jar
wiremock_jar
WORK=$(mktemp -d)
PORT=$(free_port); WM=$(free_port); GRAPH=$(free_port)
PHONE=106540352242922
META_SECRET="bench-meta-secret-$(random_hex 8)"
OPS="bench-ops-token-$(random_hex 16)"
mkdir -p "$WORK/wm/mappings" && cp bench/ai/mappings.json "$WORK/wm/mappings/"
cat > "$WORK/plans.yml" <<YML
default-plan: bench
plans:
  bench: {prices: [], requests-per-second: 100000, integration-requests-per-second: {default: 100000}, quotas: {ai-tokens: 100000000000}}
YML
cat > "$WORK/tenants.yml" <<YML
tenants:
  - id: bench-dealer
    name: Concesionario Bench
    plan: bench
    timezone: Europe/Madrid
    identities:
      whatsapp: "$PHONE"
YML
java -Xmx512m -jar "$WIREMOCK" --port "$WM" --bind-address 127.0.0.1 --root-dir "$WORK/wm" --disable-banner \
  --no-request-journal --async-response-enabled true > "$WORK/wiremock.log" 2>&1 &
WM_PID=$!
SERVER_PORT=$PORT PASARELA_DATA_DIR="$WORK/data" PASARELA_TENANTS_FILE="$WORK/tenants.yml" \
  PASARELA_PLANS_FILE="file:$WORK/plans.yml" PASARELA_OPS_TOKEN="$OPS" \
  PASARELA_MASTER_KEYS="bench:$(head -c 32 /dev/urandom | base64)" \
  STRIPE_WEBHOOK_SECRET="whsec_bench_$(random_hex 12)" \
  META_APP_SECRET="$META_SECRET" META_GRAPH_BASE_URL="http://127.0.0.1:$GRAPH" \
  OPENAI_API_KEY=sk-bench-key OPENAI_BASE_URL="http://127.0.0.1:$WM/v1" \
  java -Xmx1g ${JAVA_OPTS:-} -jar "$JAR" --logging.level.root=WARN ${BENCH_ARGS:-} > "$WORK/gateway.log" 2>&1 &
PID=$!
trap 'kill $PID $WM_PID 2>/dev/null; wait $PID $WM_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
wait_for_gateway "$PORT" "$WORK/gateway.log"
KEY=$(api_key "$PORT" "$OPS" bench-dealer)
echo '{"text":"Muchas gracias por la atención de ayer, el coche va de maravilla y volveré a confiar en ustedes."}' > "$WORK/gateway.json"
# what the gateway sends the provider for that call, so both runs move the same bytes
python3 - "$WORK/direct.json" <<'PY'
import json, sys
json.dump({"model": "gpt-4o-mini", "temperature": 0.0, "max_completion_tokens": 150,
           "messages": [{"role": "system", "content": "Analizas el sentimiento del mensaje de un cliente a un concesionario de coches."},
                        {"role": "user", "content": "Muchas gracias por la atención de ayer, el coche va de maravilla y volveré a confiar en ustedes."}],
           "response_format": {"type": "json_schema", "json_schema": {"name": "sentiment", "strict": True, "schema": {"type": "object"}}}},
          open(sys.argv[1], "w"))
PY
run() { # name url body headers
  BODY_FILE="$3" EXPECT=200 HEADERS="$4" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --timeout 10s --latency -s bench/lib/post.lua "$2" \
    2> "$WORK/$1.err" | grep '^RESULT' | sed "s/^RESULT/$1/"
}
echo "# $(date -u +%FT%TZ) $(nproc) cores, wrk -t$THREADS -c$CONNECTIONS -d${SECONDS_PER_RUN}s, stand-in answers at once"
# warm-up of both (JIT, pools), not reported
BODY_FILE="$WORK/gateway.json" EXPECT=200 HEADERS="X-Api-Key:$KEY" wrk -t1 -c2 -d5s -s bench/lib/post.lua \
  "http://127.0.0.1:$PORT/api/v1/ai/sentiment" > /dev/null 2>&1 || true
OUT=$(mktemp)
for round in 1 2; do
  run "direct" "http://127.0.0.1:$WM/v1/chat/completions" "$WORK/direct.json" "Authorization:Bearer sk-bench-key" | tee -a "$OUT"
  run "gateway" "http://127.0.0.1:$PORT/api/v1/ai/sentiment" "$WORK/gateway.json" "X-Api-Key:$KEY" | tee -a "$OUT"
done
# auto-replies: inbound webhook → jobs.ai → moderation, classification, sentiment, reply (stand-in) → Graph send
curl -sf -X PUT "http://127.0.0.1:$PORT/ops/tenants/bench-dealer/credentials/whatsapp" -H "Authorization: Bearer $OPS" \
  -H 'Content-Type: application/json' -d '{"accessToken":"EAAG-bench"}' > /dev/null
curl -sf -X PUT "http://127.0.0.1:$PORT/api/v1/ai/settings" -H "X-Api-Key: $KEY" -H 'Content-Type: application/json' -d '{
  "businessName":"Concesionario Bench","openingHours":"De lunes a sábado de 9:00 a 20:00","address":"Calle Mayor 1, Madrid",
  "faq":[],"inventorySummary":"SEAT León 2021","autoReplies":{"channels":["whatsapp"]}}' > /dev/null
python3 bench/ai/autoreply.py "$PORT" "$GRAPH" "$META_SECRET" "$PHONE" "${AUTOREPLIES:-30}" | tee -a "$OUT"
cat "$WORK"/*.err >&2 || true
python3 - "$OUT" <<'PY'
import re, sys
rows = [dict(kv.split("=") for kv in line.split()[1:]) | {"name": line.split()[0]} for line in open(sys.argv[1])
        if line.strip() and not line.startswith("autoreply")]
bad = sum(int(r["wrong"]) for r in rows)
for r in range(0, len(rows), 2):
    d, g = rows[r], rows[r + 1]
    print(f"round {r//2 + 1}: added p50 {float(g['p50_ms']) - float(d['p50_ms']):.2f} ms, "
          f"added p99 {float(g['p99_ms']) - float(d['p99_ms']):.2f} ms, gateway {float(g['rps']):.0f} req/s "
          f"vs stand-in {float(d['rps']):.0f} req/s")
if bad:
    print(f"FAILED: {bad} answers were not 200 (or connection errors)")
    sys.exit(1)
PY
rm -f "$OUT"
