#!/usr/bin/env bash
# Durable-send rate of the external Artemis pair (shared JDBC store on PostgreSQL): one sender,
# then 8, 32 and 128 concurrent ones (BENCH_SENDERS), 1 KiB messages, each send waiting for the journal.
#   bash bench/broker-send-rate.sh [JDBC_SERVER host:port, default 127.0.0.1:5432] [SECONDS, default 10]
# Needs psql and a PostgreSQL user postgres that may create databases; ports from
# BENCH_PORTS (default 19190 19191).
set -euo pipefail
cd "$(dirname "$0")/.."
server=${1:-127.0.0.1:5432}
seconds=${2:-10}
read -r p1 p2 <<< "${BENCH_PORTS:-19190 19191}"
db=${BENCH_DB_PREFIX:-bench_broker}_$$
dir=$(mktemp -d /tmp/broker-send-rate.XXXXXX)
psql -h "${server%:*}" -p "${server#*:}" -U postgres -qc "CREATE DATABASE $db"
cleanup() {
  bash bench/lib/artemis-pair.sh kill "$dir" || true
  psql -h "${server%:*}" -p "${server#*:}" -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
}
trap cleanup EXIT
bash bench/lib/artemis-pair.sh start "$dir" "jdbc:postgresql://$server/$db" "$p1" "$p2"
. "$dir/credentials"
java -cp "target/artemis/apache-artemis-2.40.0/lib/*" bench/BrokerSendRate.java \
  "$(cat "$dir/broker-url")" "$ARTEMIS_USER" "$ARTEMIS_PASSWORD" "$seconds" ${BENCH_SENDERS:-1 8 32 128}
echo "logs: $dir"
