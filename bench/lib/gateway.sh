# Sourced by the benches: the packaged jar's start-up and the calls every bench needs.

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_for_gateway PORT LOG: up to two minutes for /actuator/health, else the log's tail and exit 1
wait_for_gateway() {
  for _ in $(seq 1 240); do
    curl -sf "http://127.0.0.1:$1/actuator/health" > /dev/null && return 0
    sleep 0.5
  done
  echo "gateway did not start:"; tail -30 "$2"; exit 1
}

# api_key PORT OPS_TOKEN TENANT: a new service API key of the tenant, printed
api_key() {
  curl -sf -X POST "http://127.0.0.1:$1/ops/tenants/$3/api-keys" -H "Authorization: Bearer $2" \
    -H 'Content-Type: application/json' -d '{"name":"bench"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])'
}

# store_writes PORT OPS_TOKEN: "commits flushes" of the embedded database's group commit
# (GroupCommitDataSource), "0 0" on a gateway without it
store_writes() {
  curl -sf -H "Authorization: Bearer $2" "http://127.0.0.1:$1/actuator/prometheus" | awk '
    /^pasarela_store_commits_total / { c = $2 } /^pasarela_store_flushes_total / { f = $2 }
    END { printf "%d %d\n", c, f }'
}

# store_writes_between "C0 F0" "C1 F1" PHASE: one line on how many commits a file write served
store_writes_between() {
  python3 -c "
c0, f0 = map(int, '$1'.split()); c1, f1 = map(int, '$2'.split())
if c1 > 0:
    print(f'Embedded database, $3: {c1 - c0} commits in {f1 - f0} file writes ({(c1 - c0) / max(1, f1 - f0):.1f} per write)')"
}
