#!/usr/bin/env bash
# usage: sudo bench/rules-tps.sh      (DURATION=20 CLIENTS=4 SCALE=10 TLSSCOPE_PORT=7711 to change)
# pgbench -S over TLS against a private PostgreSQL 15 in three phases of one run: untraced, under
# tlsscope with the rules off (tlsscope.rules.enabled=false), under tlsscope with the built-in rules
# on. Prints TPS, ratios, and how many statements the rules judged and dropped. No SSE client.
# Timings on a VM are noisy: read the ratios.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DURATION=${DURATION:-20}
CLIENTS=${CLIENTS:-4}
SCALE=${SCALE:-10}
TLSSCOPE_PORT=${TLSSCOPE_PORT:-7711}

[ "$(id -u)" -eq 0 ] || { echo "bench: run as root" >&2; exit 1; }
scripts/deps.sh --bench
# shellcheck source=scripts/java-home.sh
source scripts/java-home.sh
jar=target/quarkus-app/quarkus-run.jar
[ -f "$jar" ] || ./mvnw -B -q -DskipTests package

work=$(mktemp -d /tmp/tlsscope-bench-XXXXXX)
chmod 755 "$work" # the server runs as postgres below it
tracer_pid=""
cleanup() {
  [ -n "$tracer_pid" ] && kill "$tracer_pid" 2>/dev/null && wait "$tracer_pid" 2>/dev/null
  scripts/pg-tls.sh stop "$work/pg"
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
uri=$(scripts/pg-tls.sh start "$work/pg" "$port")
pgbench -q -i -s "$SCALE" "$uri" >/dev/null 2>&1
token=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')
auth=(-H "Authorization: Bearer $token")

run_pgbench() { # prints "tps transactions"
  pgbench -S -n -c "$CLIENTS" -j 2 -T "$DURATION" "$uri" 2>/dev/null |
    awk '/number of transactions actually processed/ {split($NF,a,"/"); tx=a[1]} /^tps = / {tps=$3} END {print tps, tx}'
}

# starts tlsscope with rules on or off, runs pgbench, prints "tps transactions evaluated drops queries"
traced() {
  QUARKUS_HTTP_PORT=$TLSSCOPE_PORT TLSSCOPE_AUTH_TOKENS="admin:sha256:$(printf %s "$token" | sha256sum | cut -d' ' -f1)" \
    TLSSCOPE_AUTH_CREATE_FIRST_TOKEN=false TLSSCOPE_RULES_ENABLED="$1" TLSSCOPE_RULES_FILE="$work/rules.yaml" \
    TLSSCOPE_RULES_BASELINE_FILE="$work/baseline.json" \
    "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar "$jar" serve > "$work/tlsscope-$1.log" 2>&1 &
  tracer_pid=$!
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$TLSSCOPE_PORT/q/health/ready" >/dev/null && break
    sleep 0.3
  done
  sleep 1
  read -r tps tx < <(run_pgbench)
  sleep 2
  counters=$(curl -s "${auth[@]}" "http://127.0.0.1:$TLSSCOPE_PORT/api/v1/counters")
  kill "$tracer_pid"; wait "$tracer_pid" 2>/dev/null || true; tracer_pid=""
  python3 -c '
import json, sys
values = {c["name"]: c["value"] for c in json.load(sys.stdin)}
print(sys.argv[1], sys.argv[2], values["rules.evaluated"], values["rules.drops"], values["decoder.queries"], values["alerts.raised"])
' "$tps" "$tx" <<< "$counters"
}

echo "phase 1/3: untraced"
read -r tps_plain tx_plain < <(run_pgbench)
echo "phase 2/3: tlsscope, rules off"
read -r tps_off tx_off _ _ queries_off _ < <(traced false)
echo "phase 3/3: tlsscope, built-in rules on"
read -r tps_on tx_on evaluated drops queries_on alerts < <(traced true)

ratio() { python3 -c "print(f'{$1 / $2:.3f}')"; }
echo
echo "pgbench -S, $CLIENTS clients, ${DURATION}s each, TLS (sslmode=require), scale $SCALE"
printf '%-26s %10s %13s %12s %10s\n' phase tps transactions vs-untraced vs-rules-off
printf '%-26s %10.1f %13s %12s %10s\n' untraced "$tps_plain" "$tx_plain" 1.000 -
printf '%-26s %10.1f %13s %12s %10s\n' "tlsscope, rules off" "$tps_off" "$tx_off" "$(ratio "$tps_off" "$tps_plain")" 1.000
printf '%-26s %10.1f %13s %12s %10s\n' "tlsscope, rules on" "$tps_on" "$tx_on" "$(ratio "$tps_on" "$tps_plain")" "$(ratio "$tps_on" "$tps_off")"
echo
echo "rules on: decoder.queries=$queries_on rules.evaluated=$evaluated rules.drops=$drops alerts.raised=$alerts (rules off: decoder.queries=$queries_off)"
