#!/usr/bin/env bash
# The external broker for tests and benches: an Apache ActiveMQ Artemis 2.40.0 primary/backup
# pair sharing one JDBC store on PostgreSQL, configured by config/artemis/{primary,backup}/broker.xml
# (the files docker-compose.yml uses). No Docker needed: the distribution comes from Maven.
#
#   artemis-pair.sh start DIR JDBC_URL PORT_PRIMARY PORT_BACKUP
#       creates both instances under DIR (once), starts them in the background (pids and logs in
#       DIR), waits until the primary accepts connections and the backup has announced itself.
#       Writes DIR/broker-url (what SPRING_ARTEMIS_BROKER_URL takes) and DIR/credentials.
#   artemis-pair.sh wait-live DIR PORT TIMEOUT_S   until a broker of the pair accepts on PORT
#   artemis-pair.sh wait-backup DIR TIMEOUT_S      until the backup has announced itself
#   artemis-pair.sh kill-primary DIR               SIGKILL the primary (a crash, for failover)
#   artemis-pair.sh stop DIR                       SIGTERM both (backup first), SIGKILL after 15 s
#   artemis-pair.sh kill DIR                       SIGKILL both (tests: the store is thrown away)
#
# JDBC_URL is jdbc:postgresql://HOST:PORT/DB with no '&' (it is substituted into broker.xml);
# ARTEMIS_JDBC_USER (default postgres) / ARTEMIS_JDBC_PASSWORD give the database login.
# The brokers' user is ARTEMIS_USER / ARTEMIS_PASSWORD; unset, a local one is generated per DIR
# (letters and digits only: it is substituted into broker.xml too) and kept in DIR/credentials.
# The distribution is unpacked into target/artemis (from ~/.m2, fetched by Maven if missing),
# with the PostgreSQL driver as target/artemis/lib/postgresql.jar.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VERSION=2.40.0
DIST=${ARTEMIS_DIST_DIR:-$ROOT/target/artemis}
ARTEMIS_HOME_DIR=$DIST/apache-artemis-$VERSION
M2=${MAVEN_REPO:-$HOME/.m2/repository}
DRIVER=$DIST/lib/postgresql.jar

die() { echo "artemis-pair: $*" >&2; exit 1; }

ensure_distribution() {
  mkdir -p "$DIST/lib"
  # several tests may start pairs at once: one unpacks, the others wait
  exec 9>"$DIST/.lock"
  flock 9
  if [ ! -f "$ARTEMIS_HOME_DIR/bin/artemis" ]; then
    local tgz=$M2/org/apache/activemq/apache-artemis/$VERSION/apache-artemis-$VERSION-bin.tar.gz
    if [ ! -f "$tgz" ]; then
      (cd "$ROOT" && mvn -q -B dependency:get -Dartifact="org.apache.activemq:apache-artemis:$VERSION:tar.gz:bin") \
        || die "cannot fetch org.apache.activemq:apache-artemis:$VERSION:tar.gz:bin"
    fi
    local tmp
    tmp=$(mktemp -d "$DIST/unpack.XXXXXX")
    tar xzf "$tgz" -C "$tmp"
    rm -rf "$ARTEMIS_HOME_DIR"
    mv "$tmp/apache-artemis-$VERSION" "$ARTEMIS_HOME_DIR"
    rmdir "$tmp"
  fi
  if [ ! -f "$DRIVER" ]; then
    # the driver the gateway itself packages (Spring Boot manages its version): the newest in ~/.m2
    local jar
    jar=$(ls "$M2"/org/postgresql/postgresql/*/postgresql-*.jar 2>/dev/null | grep -v -- '-sources\|-javadoc' | sort -V | tail -1 || true)
    if [ -z "$jar" ]; then
      (cd "$ROOT" && mvn -q -B dependency:copy -Dartifact=org.postgresql:postgresql:42.7.7 -DoutputDirectory="$DIST/lib") \
        || die "no PostgreSQL driver in $M2 and none could be fetched"
      jar=$(ls "$DIST"/lib/postgresql-*.jar | tail -1)
    fi
    cp "$jar" "$DRIVER.tmp" && mv "$DRIVER.tmp" "$DRIVER"
  fi
  flock -u 9
}

credentials() {
  local dir=$1
  if [ ! -f "$dir/credentials" ]; then
    local user=${ARTEMIS_USER:-pasarela}
    local password=${ARTEMIS_PASSWORD:-local$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')}
    (umask 077; printf 'ARTEMIS_USER=%s\nARTEMIS_PASSWORD=%s\n' "$user" "$password" > "$dir/credentials")
  fi
  # shellcheck disable=SC1091
  . "$dir/credentials"
  export ARTEMIS_USER ARTEMIS_PASSWORD
}

create_instance() {
  local dir=$1 role=$2
  if [ ! -f "$dir/$role/etc/broker.xml" ]; then
    # the password is hashed into etc/artemis-users.properties; --no-autotune skips a disk benchmark
    # that a JDBC store does not use, --no-web the console (its port is not in our range)
    bash "$ARTEMIS_HOME_DIR/bin/artemis" create --silent --force --require-login \
      --user "$ARTEMIS_USER" --password "$ARTEMIS_PASSWORD" --no-web --no-autotune \
      --no-amqp-acceptor --no-mqtt-acceptor --no-stomp-acceptor --no-hornetq-acceptor \
      --java-memory "${ARTEMIS_JAVA_MEMORY:-384M}" "$dir/$role" > "$dir/$role-create.log" 2>&1 \
      || { tail -n 20 "$dir/$role-create.log" >&2; die "artemis create $role failed"; }
  fi
  # the profile fixes -Xms512M whatever --java-memory says; two small brokers share this machine
  sed -i 's/-Xms512M/-Xms64M/' "$dir/$role/etc/artemis.profile"
  cp "$ROOT/config/artemis/$role/broker.xml" "$dir/$role/etc/broker.xml"
  cp "$DRIVER" "$dir/$role/lib/postgresql.jar"
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

launch() {
  local dir=$1 role=$2 port=$3 peer=$4 jdbc=$5
  alive "$dir/$role.pid" && die "$role already running (pid $(cat "$dir/$role.pid"))"
  ARTEMIS_JDBC_URL=$jdbc ARTEMIS_HOST=127.0.0.1 ARTEMIS_ACCEPTOR_HOST=127.0.0.1 \
    ARTEMIS_PORT=$port ARTEMIS_PEER_HOST=127.0.0.1 ARTEMIS_PEER_PORT=$peer \
    nohup bash "$dir/$role/bin/artemis" run >> "$dir/$role.log" 2>&1 < /dev/null &
  echo $! > "$dir/$role.pid"
}

accepts() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_live DIR PORT TIMEOUT_S: acceptors start only when a broker activates, so an open port
# means a live broker
wait_live() {
  local dir=$1 port=$2 deadline=$((SECONDS + $3))
  until accepts "$port"; do
    alive "$dir/primary.pid" || alive "$dir/backup.pid" || { tail -n 30 "$dir"/*.log >&2; die "no broker of the pair is running"; }
    [ $SECONDS -lt $deadline ] || { tail -n 30 "$dir"/*.log >&2; die "no live broker on $port after $3 s"; }
    sleep 0.2
  done
}

# AMQ221031 "backup announced": the backup holds the backup lock and the primary knows it,
# so clients are told about it with the topology
wait_backup() {
  local dir=$1 deadline=$((SECONDS + $2))
  until grep -q 'AMQ221031' "$dir/backup.log" 2>/dev/null; do
    alive "$dir/backup.pid" || { tail -n 30 "$dir/backup.log" >&2; die "the backup exited"; }
    [ $SECONDS -lt $deadline ] || { tail -n 30 "$dir/backup.log" >&2; die "the backup did not announce itself in $2 s"; }
    sleep 0.2
  done
}

stop_one() {
  local pidfile=$1
  alive "$pidfile" || return 0
  local pid
  pid=$(cat "$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 75); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
}

cmd=${1:-}
case "$cmd" in
  start)
    [ $# -eq 5 ] || die "usage: start DIR JDBC_URL PORT_PRIMARY PORT_BACKUP"
    dir=$2; jdbc=$3; p1=$4; p2=$5
    case "$jdbc" in *'&'*|*'<'*|*'}'*) die "JDBC_URL must not contain '&', '<' or '}' (it is substituted into broker.xml)";; esac
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    ensure_distribution
    credentials "$dir"
    case "$ARTEMIS_PASSWORD$ARTEMIS_USER" in *[!A-Za-z0-9._-]*) die "ARTEMIS_USER/ARTEMIS_PASSWORD: letters, digits, '.', '_' and '-' only";; esac
    create_instance "$dir" primary
    create_instance "$dir" backup
    # the primary first: it must hold the live lock before the backup starts waiting for it
    launch "$dir" primary "$p1" "$p2" "$jdbc"
    wait_live "$dir" "$p1" "${ARTEMIS_START_TIMEOUT_S:-90}"
    launch "$dir" backup "$p2" "$p1" "$jdbc"
    wait_backup "$dir" "${ARTEMIS_START_TIMEOUT_S:-90}"
    printf '(tcp://127.0.0.1:%s,tcp://127.0.0.1:%s)?ha=true&reconnectAttempts=-1&retryInterval=100&retryIntervalMultiplier=2&maxRetryInterval=1000&callFailoverTimeout=10000&clientFailureCheckPeriod=3000&connectionTTL=10000\n' \
      "$p1" "$p2" > "$dir/broker-url"
    echo "artemis pair up: primary pid $(cat "$dir/primary.pid") on $p1, backup pid $(cat "$dir/backup.pid") on $p2; url in $dir/broker-url"
    ;;
  wait-live)
    [ $# -eq 4 ] || die "usage: wait-live DIR PORT TIMEOUT_S"
    wait_live "$2" "$3" "$4"
    ;;
  wait-backup)
    [ $# -eq 3 ] || die "usage: wait-backup DIR TIMEOUT_S"
    wait_backup "$2" "$3"
    ;;
  kill-primary)
    [ $# -eq 2 ] || die "usage: kill-primary DIR"
    alive "$2/primary.pid" || die "the primary is not running"
    kill -KILL "$(cat "$2/primary.pid")"
    ;;
  stop)
    [ $# -eq 2 ] || die "usage: stop DIR"
    # the backup first, or a stopping primary would hand its clients over to it
    stop_one "$2/backup.pid"
    stop_one "$2/primary.pid"
    ;;
  kill)
    [ $# -eq 2 ] || die "usage: kill DIR"
    for role in primary backup; do
      if alive "$2/$role.pid"; then kill -KILL "$(cat "$2/$role.pid")" 2>/dev/null || true; fi
    done
    ;;
  *)
    die "usage: artemis-pair.sh start|wait-live|wait-backup|kill-primary|stop|kill DIR ..."
    ;;
esac
