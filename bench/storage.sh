#!/usr/bin/env bash
# Upload throughput of 5 MB images to the embedded (disk) file store: multipart POSTs of one 5 MB
# PNG to /api/v1/files/vehicles/bench through the packaged jar (content check, dimensions, the
# storage-bytes quota transaction, the write). Baseline in the same run: the same bytes to
# /api/v1/files/sales/bench, which receives and parses the multipart body and refuses it by its
# first bytes (415: sales keep PDFs) — the transfer and parsing without the check, quota and write.
# Usage: bash bench/storage.sh [seconds] [connections]. Fails when any answer is not the expected one.
# JAR (the jar to start, default the packaged one), JAVA_OPTS (JVM flags) and BENCH_ARGS (gateway
# properties) are passed through.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/gateway.sh
SECONDS_PER_RUN=${1:-10}
CONNECTIONS=${2:-4}
THREADS=$(( CONNECTIONS < 2 ? 1 : 2 ))
install_wrk
packaged_jar
WORK=$(mktemp -d)
PORT=$(free_port)
OPS="bench-ops-token-$(random_hex 16)"
cat > "$WORK/plans.yml" <<YML
default-plan: bench
plans:
  bench: {prices: [], requests-per-second: 100000, integration-requests-per-second: {default: 100000}, quotas: {storage-bytes: 1000000000000}}
YML
cat > "$WORK/tenants.yml" <<YML
tenants:
  - id: bench-dealer
    name: Concesionario Bench
    plan: bench
    timezone: Europe/Madrid
YML
# a 5 MB PNG of noise (incompressible, so its size is the upload's), pure Python
BOUNDARY=pasarela-bench-boundary
python3 - "$WORK/body" "$BOUNDARY" <<'PY'
import os, struct, sys, zlib
w = h = 1290
raw = b"".join(b"\x00" + os.urandom(w * 3) for _ in range(h))
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) \
    + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b"")
b = sys.argv[2].encode()
with open(sys.argv[1], "wb") as f:
    f.write(b"--" + b + b'\r\nContent-Disposition: form-data; name="file"; filename="foto.png"\r\nContent-Type: image/png\r\n\r\n')
    f.write(png)
    f.write(b"\r\n--" + b + b"--\r\n")
print(f"# body {os.path.getsize(sys.argv[1])} bytes (PNG {len(png)} bytes, {w}x{h})")
PY
SERVER_PORT=$PORT PASARELA_DATA_DIR="$WORK/data" PASARELA_TENANTS_FILE="$WORK/tenants.yml" \
  PASARELA_PLANS_FILE="file:$WORK/plans.yml" PASARELA_OPS_TOKEN="$OPS" \
  PASARELA_MASTER_KEYS="bench:$(head -c 32 /dev/urandom | base64)" \
  STRIPE_WEBHOOK_SECRET="whsec_bench_$(random_hex 12)" \
  java -Xmx1g ${JAVA_OPTS:-} -jar "$JAR" --logging.level.root=WARN ${BENCH_ARGS:-} > "$WORK/gateway.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
wait_for_gateway "$PORT" "$WORK/gateway.log"
KEY=$(api_key "$PORT" "$OPS" bench-dealer)
run() { # name path expected-status
  BODY_FILE="$WORK/body" CONTENT_TYPE="multipart/form-data; boundary=$BOUNDARY" HEADERS="X-Api-Key:$KEY" EXPECT="$3" \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --timeout 30s --latency -s bench/lib/post.lua \
    "http://127.0.0.1:$PORT$2" 2> "$WORK/$1.err" | grep '^RESULT' | sed "s/^RESULT/$1/"
}
echo "# $(date -u +%FT%TZ) $(nproc) cores, wrk -t$THREADS -c$CONNECTIONS -d${SECONDS_PER_RUN}s, disk store under a temporary directory"
run warmup /api/v1/files/vehicles/bench 201 > /dev/null || true
OUT=$(mktemp)
for round in 1 2; do
  run "baseline-415" /api/v1/files/sales/bench 415 | tee -a "$OUT"
  run "upload-201" /api/v1/files/vehicles/bench 201 | tee -a "$OUT"
  # keep the disk from filling (uploads still finishing may race the removal); the quota total is kept
  rm -rf "$WORK/data/files/tenants/bench-dealer/vehicles" 2> /dev/null || true
done
STORED=$(curl -sf "http://127.0.0.1:$PORT/api/v1/usage" -H "X-Api-Key: $KEY" | python3 -c 'import json,sys; print(json.load(sys.stdin)["channels"]["storage-bytes"]["used"])')
echo "# storage-bytes counted: $STORED"
if grep -q 'wrong=[1-9]' "$OUT" || ! grep -q '^upload-201' "$OUT"; then
  echo "FAILED: some answers were not the expected status"; cat "$WORK"/*.err; exit 1
fi
