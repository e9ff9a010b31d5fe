#!/usr/bin/env bash
# Time to publish a 10-photo Instagram carousel through the packaged jar against a Graph stand-in
# (WireMock standalone, containers ready at once): POST /api/v1/instagram/posts → 10 item
# containers, their statuses, the carousel container, the publishing limit, media_publish, the
# permalink, each step written to the store, run by the durable job. Measured from the post's own
# createdAt/publishedAt. Baseline in the same run: the same Graph calls made straight to the stand-in.
# Usage: bash bench/publish.sh [runs]. Fails when a post is not published exactly once.
# JAR (the jar to start, default the packaged one), JAVA_OPTS (JVM flags) and BENCH_ARGS (gateway
# properties) are passed through.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/gateway.sh
RUNS=${1:-20}
packaged_jar
# the stand-in comes with the test dependencies: a fresh machine gets it from the build
wiremock_jar
WORK=$(mktemp -d)
PORT=$(free_port)
GRAPH=$(free_port)
IG=17841400000000777
OPS="bench-ops-token-$(random_hex 16)"
mkdir -p "$WORK/graph/mappings"
cp bench/publish/mappings.json "$WORK/graph/mappings/"
java -Xmx256m -jar "$WIREMOCK" --port "$GRAPH" --bind-address 127.0.0.1 --root-dir "$WORK/graph" \
  --disable-banner > "$WORK/graph.log" 2>&1 &
GRAPH_PID=$!
cat > "$WORK/plans.yml" <<YML
default-plan: bench
plans:
  bench: {prices: [], requests-per-second: 100000, integration-requests-per-second: {default: 100000}, quotas: {social-posts: 1000000, storage-bytes: 1000000000000}}
YML
cat > "$WORK/tenants.yml" <<YML
tenants:
  - id: bench-dealer
    name: Concesionario Bench
    plan: bench
    timezone: Europe/Madrid
    identities:
      instagram: "$IG"
YML
SERVER_PORT=$PORT PASARELA_DATA_DIR="$WORK/data" PASARELA_TENANTS_FILE="$WORK/tenants.yml" \
  PASARELA_PLANS_FILE="file:$WORK/plans.yml" PASARELA_OPS_TOKEN="$OPS" \
  PASARELA_MASTER_KEYS="bench:$(head -c 32 /dev/urandom | base64)" \
  META_GRAPH_BASE_URL="http://127.0.0.1:$GRAPH" PASARELA_PUBLIC_BASE_URL="http://127.0.0.1:$PORT" \
  STRIPE_WEBHOOK_SECRET="whsec_bench_$(random_hex 12)" \
  java -Xmx1g ${JAVA_OPTS:-} -jar "$JAR" --logging.level.root=WARN ${BENCH_ARGS:-} > "$WORK/gateway.log" 2>&1 &
PID=$!
trap 'kill $PID $GRAPH_PID 2>/dev/null; wait $PID $GRAPH_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
wait_for_gateway "$PORT" "$WORK/gateway.log"
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$GRAPH/__admin/mappings" > /dev/null && break; sleep 0.5; done
curl -sf -X PUT "http://127.0.0.1:$PORT/ops/tenants/bench-dealer/credentials/instagram" -H "Authorization: Bearer $OPS" \
  -H 'Content-Type: application/json' -d '{"accessToken":"bench-page-token"}' > /dev/null
KEY=$(api_key "$PORT" "$OPS" bench-dealer)
# one 1080x1080 JPEG, made by the JDK (a single-file Java program), uploaded ten times
cat > "$WORK/Photo.java" <<'JAVA'
public class Photo {
    public static void main(String[] a) throws Exception {
        var img = new java.awt.image.BufferedImage(1080, 1080, java.awt.image.BufferedImage.TYPE_INT_RGB);
        var r = new java.util.Random(7);
        for (int y = 0; y < 1080; y++) for (int x = 0; x < 1080; x++) img.setRGB(x, y, r.nextInt());
        javax.imageio.ImageIO.write(img, "jpeg", new java.io.File(a[0]));
    }
}
JAVA
java -Djava.awt.headless=true "$WORK/Photo.java" "$WORK/photo.jpg"
for i in $(seq 0 9); do
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$PORT/api/v1/files/vehicles/bench?name=p$i" \
    -H "X-Api-Key: $KEY" -F "file=@$WORK/photo.jpg;type=image/jpeg")
  [ "$code" = 201 ] || { echo "FAILED: upload answered $code"; tail -20 "$WORK/gateway.log"; exit 1; }
done
echo "# $(date -u +%FT%TZ) $(nproc) cores, $RUNS carousels of 10 photos, one after another, WireMock Graph stand-in on loopback"
python3 bench/publish/carousel.py "$PORT" "$KEY" "$GRAPH" "$RUNS" "$IG"
PUBLISHED=$(curl -sf -X POST "http://127.0.0.1:$GRAPH/__admin/requests/count" -d '{"method":"POST","urlPath":"/v25.0/'"$IG"'/media_publish"}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])')
EXPECTED=$(( 2 * (RUNS + 1) ))
[ "$PUBLISHED" = "$EXPECTED" ] || { echo "FAILED: the stand-in saw $PUBLISHED media_publish calls, expected $EXPECTED"; exit 1; }
echo "# media_publish calls seen by the stand-in: $PUBLISHED (one per carousel, gateway and direct)"
