# Sourced by the benches (and config/try-offline.sh, for WireMock): the packaged jar's start-up and the calls every bench needs.
source bench/lib/java-version.sh

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# paged_mb DATA_DIR: the size of the embedded broker's paging directory in MB (0 before it first pages)
paged_mb() { local mb; mb=$(du -sm "$1/artemis/paging" 2>/dev/null | cut -f1) || true; echo "${mb:-0}"; }

# purge_queue TOOLS_DIR PID QUEUE: empties a queue of the gateway's embedded broker through its JMX
# (bench/OutboundBench.java purge, compiled into TOOLS_DIR on first use) and prints how many messages it removed
purge_queue() {
  [ -f "$1/OutboundBench.class" ] || javac --release 17 -d "$1" bench/OutboundBench.java || return 1
  java -cp "$1" OutboundBench purge "$2" "$3"
}

# wait_for_gateway PORT LOG: up to two minutes for /actuator/health, else the log's tail and exit 1
wait_for_gateway() {
  for _ in $(seq 1 240); do
    curl -sf "http://127.0.0.1:$1/actuator/health" > /dev/null && return 0
    sleep 0.5
  done
  echo "gateway did not start:"; tail -30 "$2"; exit 1
}

# heap_after_gc PID: a full GC, then the used space of every generation in MB (one line with G1, two with
# the serial collector the smoke test uses); n/a when jcmd fails
heap_after_gc() {
  jcmd "$1" GC.run > /dev/null 2>&1 || { echo n/a; return; }
  jcmd "$1" GC.heap_info 2>/dev/null | awk '/^ *Metaspace/ {exit} / total [0-9]+K, used [0-9]+K/ {for (i = 1; i <= NF; i++) if ($i == "used") {v = $(i + 1); sub("K,?", "", v); sum += v}} END {printf "%.0f\n", sum / 1024}'
}

# api_key PORT OPS_TOKEN TENANT: a new service API key of the tenant, printed
api_key() {
  curl -sf -X POST "http://127.0.0.1:$1/ops/tenants/$3/api-keys" -H "Authorization: Bearer $2" \
    -H 'Content-Type: application/json' -d '{"name":"bench"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])'
}

# install_wrk: the load generator, from Debian's packages, when it is not installed yet
install_wrk() {
  command -v wrk > /dev/null || { apt-get install -y -qq wrk > /dev/null || sudo apt-get install -y -qq wrk > /dev/null; }
}

# packaged_jar: JAR is the jar the bench runs: the one JAR names (which must be there), else target/'s,
# built when it is not there
packaged_jar() {
  if [ -n "${JAR:-}" ]; then
    [ -f "$JAR" ] || { echo "JAR=$JAR: no such file" >&2; exit 1; }
    return 0
  fi
  JAR=target/pasarela-0.1.0-SNAPSHOT.jar
  [ -f "$JAR" ] || mvn -q -B package -DskipTests
}

# random_hex N: N random bytes in hex, for a run's own secrets and tokens
random_hex() {
  head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'
}

# wiremock_jar: WIREMOCK is the standalone WireMock of the version the tests use (pom.xml's wiremock.version),
# fetched through Maven when the local repository does not hold it yet
wiremock_jar() {
  local version
  version=$(sed -n 's:.*<wiremock.version>\(.*\)</wiremock.version>.*:\1:p' pom.xml)
  [ -n "$version" ] || { echo "pom.xml names no wiremock.version" >&2; exit 1; }
  WIREMOCK=~/.m2/repository/org/wiremock/wiremock-standalone/$version/wiremock-standalone-$version.jar
  [ -f "$WIREMOCK" ] || mvn -q -B dependency:get -Dartifact="org.wiremock:wiremock-standalone:$version"
}
