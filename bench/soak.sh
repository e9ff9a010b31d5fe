#!/usr/bin/env bash
# Memory and start benchmark (issue 14, point 5), the packaged jar on its embedded defaults
# (embedded Artemis, embedded store, -Xmx1g as the other benches):
#   start    wall time from `java -jar` to /actuator/health UP, and Spring's "Started … in X seconds"
#   ingest   N signed Stripe webhooks (closed loop, 16 connections), deliveries on; the bench waits
#            until every event was delivered, then reports the heap after a full GC (jcmd GC.run)
#   soak     a fixed open-loop rate for a while, sampling heap after a full GC, old gen, metaspace,
#            RSS, the data directory's size and its parts (artemis, db, store), and the embedded store's
#            write buffers (pasarela_store_memory_bytes) between 20-second wrk runs; prints the curve and,
#            for each, whether it levels off (the last third's slope against the first third's) and its
#            peak before the last third and in it (a saw, as the write buffers' flushes make, is bounded
#            when its peaks do not rise)
#   restart  the same data directory started again: the start time with a full store
# Any answer that is not 200 fails the bench. The per-tenant delivery shaping
# (pasarela.delivery.per-tenant-rate, 50/s) is lifted to 5000/s, above what the door takes, so one
# tenant's deliveries keep up with ingest: what is measured is the memory the events leave behind, not
# the shaping. (Not higher: Camel's throttler allocates one permit object per request of the period.)
#
# Usage: bash bench/soak.sh [events] [soak-seconds] [soak-rate]     (defaults 100000 600 100)
#        bash bench/soak.sh --ci                                    (a few hundred events, 10 s)
# JAR (the jar to start, default the packaged one), JAVA_OPTS (JVM flags) and BENCH_ARGS (gateway
# properties) are passed through.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--ci" ]; then
  EVENTS=300; SOAK_SECONDS=10; SOAK_RATE=20; CHUNK=5
else
  EVENTS=${1:-100000}; SOAK_SECONDS=${2:-600}; SOAK_RATE=${3:-100}; CHUNK=20
fi
source bench/lib/gateway.sh
install_wrk
packaged_jar
WORK=$(mktemp -d)
PORT=$(free_port)
STRIPE_SECRET="whsec_bench_$(random_hex 12)"
OPS="bench-ops-token-$(random_hex 16)"
MASTER="bench:$(head -c 32 /dev/urandom | base64)"
cat > "$WORK/tenants.yml" <<YML
tenants:
  - id: bench-dealer
    name: Bench Dealer
    identities:
      stripe: cus_bench
YML
sed 's/cus_NffrFeUfNV2Hib/cus_bench/' src/test/resources/stripe/customer.subscription.updated.basil.json > "$WORK/stripe.json"
STRIPE_ID=evt_1RyZqHLkdIwHu7ixd5xA2yQp
PID=
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT

# start LOG: the gateway in the background (PID), then the wall time to health UP (START_WALL_S) and
# Spring's own figure (STARTED_LINE)
start() {
  local t0 log=$1
  t0=$(date +%s%N)
  SERVER_PORT=$PORT PASARELA_DATA_DIR="$WORK/data" PASARELA_TENANTS_FILE="$WORK/tenants.yml" PASARELA_OPS_TOKEN="$OPS" \
    STRIPE_WEBHOOK_SECRET="$STRIPE_SECRET" META_APP_SECRET="bench-unused" PASARELA_MASTER_KEYS="$MASTER" \
    java -Xmx1g ${JAVA_OPTS:-} -jar "$JAR" --pasarela.delivery.per-tenant-rate=5000 ${BENCH_ARGS:-} \
    --logging.level.root=WARN --logging.level.dev.pasarela.PasarelaApplication=INFO > "$log" 2>&1 &
  PID=$!
  for _ in $(seq 1 1200); do
    curl -sf "http://127.0.0.1:$PORT/actuator/health" 2>/dev/null | grep -q '"status":"UP"' && break
    kill -0 $PID 2>/dev/null || { echo "gateway exited:"; tail -30 "$log"; exit 1; }
    sleep 0.1
  done
  curl -sf "http://127.0.0.1:$PORT/actuator/health" > /dev/null || { echo "gateway did not start:"; tail -30 "$log"; exit 1; }
  START_WALL_S=$(python3 -c "print('%.1f' % (($(date +%s%N) - $t0) / 1e9))")
  STARTED_LINE=$(grep -o 'Started [A-Za-z]* in [0-9.]* seconds[^)]*)' "$log" | head -1 || true)
}

wrk_run() { # wrk_run [wrk options…]: prints the RESULT line, exits when an answer was wrong
  local out result
  out=$(SCHEME=stripe SECRET=$STRIPE_SECRET TEMPLATE=$WORK/stripe.json ID_TOKEN=$STRIPE_ID THREADS=1 \
        wrk -t1 --timeout 10s -s bench/lib/webhook.lua "$@" "http://127.0.0.1:$PORT/webhooks/stripe" 2>&1) || true
  result=$(grep '^RESULT' <<< "$out" || true)
  if [ -z "$result" ] || ! grep -q ' wrong=0 ' <<< "$result"; then
    { echo "FAILED: $out"; tail -20 "$WORK/gateway.log"; } >&2; exit 1
  fi
  echo "$result"
}
field() { sed -n "s/.* $2=\([0-9.]*\).*/\1/p" <<< "$1"; }
metric() {
  curl -sf -H "Authorization: Bearer $OPS" "http://127.0.0.1:$PORT/actuator/prometheus" \
    | awk -v pat="$1" '$0 ~ pat && $0 !~ /^#/ {s += $NF} END {printf "%d\n", s}'
}
accepted() { metric '^pasarela_webhooks_events_total.*outcome="accepted".*provider="stripe"'; }
delivered() { metric '^camel_exchanges_total.*eventType="route".*routeId="stripe.in.deliver"'; }
drain() { # waits until every accepted event was delivered; prints the seconds
  local start=$SECONDS
  for _ in $(seq 1 2400); do
    if [ "$(delivered)" -ge "$(accepted)" ]; then
      local dl; dl=$(metric '^pasarela_dead_letters_total') # a dead letter is not a delivery
      [ "$dl" -gt 0 ] && { echo "FAILED: $dl dead letters"; grep -m3 'Dead-lettered' "$WORK/gateway.log"; } >&2 && exit 1
      echo $((SECONDS - start)); return
    fi
    sleep 0.5
  done
  echo "FAILED: deliveries did not catch up in 20 min" >&2; exit 1
}
# sample: heap used after a full GC (MB), old gen used, metaspace used (jstat -gc, MB), RSS (MB), data dir (MB)
sample() {
  jcmd $PID GC.run > /dev/null
  local heap gc rss
  heap=$(jcmd $PID GC.heap_info | awk '/total/ {for (i = 1; i <= NF; i++) if ($i == "used") {v = $(i + 1); sub("K,?", "", v); printf "%.1f", v / 1024; exit}}')
  gc=$(jstat -gc $PID | awk 'NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i} NR == 2 {printf "%.1f %.1f", $c["OU"] / 1024, $c["MU"] / 1024}')
  rss=$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' /proc/$PID/status)
  echo "$heap $gc $rss $(du -sm "$WORK/data" | cut -f1)"
}
# parts: the data directory's parts (artemis, db, store; MB) and the embedded store's write buffers (memtables,
# off the heap, MB: pasarela.store.memory), the parts of the RSS and data dir curves to tell apart
# one number whatever happens: du may fail part-way (the broker and the store delete files as it walks)
mb() { local v; v=$(du -sm "$WORK/data/$1" 2>/dev/null | cut -f1) || true; echo "${v:-0}"; }
parts() {
  echo "$(mb artemis) $(mb db) $(mb store)" \
    "$(python3 -c "print(round($(metric '^pasarela_store_memory_bytes\\{.*part="memtables"') / 1048576, 1))")"
}

echo "# $(date -u +%FT%TZ), $(nproc) cores, $(java_version), wrk $(wrk -v 2>&1 | head -1 | cut -d' ' -f2), -Xmx1g"
start "$WORK/gateway.log"
echo "start (empty data dir): ${START_WALL_S}s from java -jar to health UP; Spring: $STARTED_LINE"
read -r h o m r d <<< "$(sample)"
echo "after start: heap after GC ${h} MB, old gen ${o} MB, metaspace ${m} MB, RSS ${r} MB, data ${d} MB"

# ingest: closed loop in 30-second wrk runs until EVENTS were answered (the last run is sized to what is left)
sent=0; t_ingest=$SECONDS; n=0
while [ "$sent" -lt "$EVENTS" ]; do
  left=$((EVENTS - sent)); rps=${rps:-200} # a guess for the first run, then the last run's rate
  secs=$(python3 -c "import math; print(max(1, min(30, math.ceil($left / $rps))))")
  line=$(wrk_run -c16 -d"${secs}s")
  sent=$((sent + $(field "$line" requests))); rps=$(field "$line" rps); n=$((n + 1))
  # the deliveries may fall behind the door: past the broker's memory limit their backlog goes to page files,
  # which the heap figure below does not hold
  paged=$(paged_mb "$WORK/data"); [ "$paged" -gt "${paged_most:-0}" ] && paged_most=$paged
  echo "  ingest run $n: $line (total $sent; paging directory $paged MB)"
done
ingest_s=$((SECONDS - t_ingest))
drained=$(drain)
read -r h o m r d <<< "$(sample)"
echo "ingested $sent events in ${ingest_s}s ($((sent / (ingest_s > 0 ? ingest_s : 1)))/s), all delivered ${drained}s after the last;" \
     "heap after GC ${h} MB, old gen ${o} MB, metaspace ${m} MB, RSS ${r} MB, data ${d} MB"
echo "during ingest the broker's paging directory held ${paged_most:-0} MB at most (its backlog past the memory limit)"
jcmd $PID GC.heap_info | sed 's/^/  /'
jcmd $PID GC.class_histogram | head -23 > "$WORK/histo-before"

# soak: fixed open-loop rate in CHUNK-second wrk runs, a sample after each
echo
echo "soak: $SOAK_RATE events/s open loop for ${SOAK_SECONDS}s"
echo "| t (s) | heap after GC (MB) | old gen (MB) | metaspace (MB) | RSS (MB) | store write buffers (MB) | data dir (MB) | artemis / db / store (MB) | events | p50 / p99 (ms) | late >10 ms |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
CURVE=$WORK/curve
ROW='{printf "| %s | %s | %s | %s | %s | %s | %s | %s / %s / %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $13, $6, $10, $11, $12, $7, $8, $9}'
echo "0 $h $o $m $r $d $sent - - $(parts)" | tee "$CURVE" | awk "$ROW"
t0=$SECONDS
while [ $((SECONDS - t0)) -lt "$SOAK_SECONDS" ]; do
  line=$(RATE=$SOAK_RATE wrk_run -c16 -d"${CHUNK}s")
  sent=$((sent + $(field "$line" requests)))
  read -r h o m r d <<< "$(sample)"
  echo "$((SECONDS - t0)) $h $o $m $r $d $sent $(field "$line" p50_ms)/$(field "$line" p99_ms) $(field "$line" late_10ms)" \
    "$(parts)" | tee -a "$CURVE" | awk "$ROW"
done
drained=$(drain)
echo "every event delivered ${drained}s after the soak's last"
python3 - "$CURVE" <<'PY'
import sys
rows = [[float(v) for v in l.split()[:7]] + [float(v) for v in l.split()[9:13]] for l in open(sys.argv[1])]
rows = [r for r in rows if r[0] >= 60] or rows  # the first minute sheds the ingest burst's garbage
def slope(part, col):  # least squares, MB per minute
    xs, ys = [r[0] / 60 for r in part], [r[col] for r in part]
    n = len(xs); mx, my = sum(xs) / n, sum(ys) / n
    d = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / d if d else 0.0
third = max(2, len(rows) // 3)
for name, col in (("heap after GC", 1), ("RSS", 4), ("  of it the store's write buffers", 10), ("data dir", 5),
                  ("  of it artemis", 7), ("  of it db", 8), ("  of it store", 9)):
    first, last = slope(rows[:third], col), slope(rows[-third:], col)
    # level: the last third's slope is under 0.1 MB/min (144 MB a day) or a quarter of the first third's
    flat = last <= max(0.1, first / 4)
    # a saw (the store's write buffers fill, flush and start again; the RSS follows) has rising stretches
    # whatever its peaks do: the peaks say whether it is bounded
    earlier, latest = max(r[col] for r in (rows[:-third] or rows[:1])), max(r[col] for r in rows[-third:])
    print(f"{name}: {rows[0][col]:.0f} → {rows[-1][col]:.0f} MB; slope first third {first:+.2f} MB/min,"
          f" last third {last:+.2f} MB/min: {'levels off' if flat else 'STILL GROWING'};"
          f" peak before the last third {earlier:.0f} MB, in it {latest:.0f} MB")
PY
echo "data dir by part: $(cd "$WORK/data" && du -sm -- * | awk '{printf "%s %s MB; ", $2, $1}')"
jcmd $PID GC.class_histogram | head -23 > "$WORK/histo-after"
echo "largest classes after the soak (instances, bytes; before the soak in brackets):"
python3 - "$WORK/histo-before" "$WORK/histo-after" <<'PY'
import sys
def read(p):
    d = {}
    for l in open(p):
        f = l.split()
        if len(f) >= 4 and f[0].endswith(":"):
            d[f[3]] = (int(f[1]), int(f[2]))
    return d
before, after = read(sys.argv[1]), read(sys.argv[2])
for cls, (n, b) in sorted(after.items(), key=lambda kv: -kv[1][1])[:12]:
    pn, pb = before.get(cls, (0, 0))
    print(f"  {b / 1048576:8.1f} MB {n:>10} {cls}  [{pb / 1048576:.1f} MB {pn}]")
PY

# restart on the same data directory: the start time with a full store
kill $PID; wait $PID 2>/dev/null || true
start "$WORK/gateway2.log"
read -r h o m r d <<< "$(sample)"
echo "restart ($d MB of data, $sent events): ${START_WALL_S}s from java -jar to health UP; Spring: $STARTED_LINE;" \
     "heap after GC ${h} MB, RSS ${r} MB"
