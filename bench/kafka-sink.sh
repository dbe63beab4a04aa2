#!/usr/bin/env bash
# usage: bench/kafka-sink.sh          (PHASE_SECONDS=10 RATE=10000 to change; no root needed)
# The Kafka sink against a local single-node KRaft broker on this machine: per compression codec,
# the records/s the sink sustains when events come faster than it can send ("ceiling"), and the CPU
# its two threads use at RATE query events a second ("rate"), with the bytes the broker stores per
# record. Broker, publisher and sink share the machine's cores: compare within one run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PHASE_SECONDS=${PHASE_SECONDS:-10}
RATE=${RATE:-10000}
# shellcheck source=scripts/java-home.sh
source scripts/java-home.sh
java="$JAVA_HOME/bin/java"

./mvnw -B -q -f src/test/kafka-broker/pom.xml package        # the broker's jars into target/kafka-broker/
./mvnw -B -q -DskipTests test-compile                         # the bench (src/test/java/io/tlsscope/sink/kafka/KafkaSinkBench.java)
./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >/dev/null

work=$(mktemp -d /tmp/tlsscope-kafka-bench-XXXXXX)
broker_pid=""
cleanup() {
  if [ -n "$broker_pid" ]; then
    kill "$broker_pid" 2>/dev/null || true
    wait "$broker_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
controller=$(free_port)
cat > "$work/server.properties" <<PROPERTIES
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$work/data
num.partitions=3
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
PROPERTIES
broker_cp="$PWD/target/kafka-broker/*"
"$java" -cp "$broker_cp" kafka.tools.StorageTool format -t "$("$java" -cp "$broker_cp" kafka.tools.StorageTool random-uuid 2>/dev/null)" \
  -c "$work/server.properties" >/dev/null 2>&1
"$java" -Xmx1g -cp "$broker_cp" kafka.Kafka "$work/server.properties" > "$work/broker.log" 2>&1 &
broker_pid=$!
for _ in $(seq 1 300); do
  grep -q "Kafka Server started" "$work/broker.log" && break
  kill -0 "$broker_pid" 2>/dev/null || { echo "bench: the broker exited:"; tail -20 "$work/broker.log"; exit 1; }
  sleep 0.2
done
grep -q "Kafka Server started" "$work/broker.log" || { echo "bench: the broker did not start:"; tail -20 "$work/broker.log"; exit 1; }

echo "kafka sink bench: broker 127.0.0.1:$port, $PHASE_SECONDS s per phase, rate phase at $RATE records/s, $(nproc) cores"
"$java" -Xmx1g --enable-native-access=ALL-UNNAMED -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "target/classes:target/test-classes:$(cat target/bench.classpath)" \
  io.tlsscope.sink.kafka.KafkaSinkBench "127.0.0.1:$port" "$PHASE_SECONDS" "$RATE" "$work/data"
