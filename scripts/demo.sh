#!/usr/bin/env bash
# Quickstart on a machine with no database: a throw-away PostgreSQL 15 that accepts only TLS, a
# small workload against it, and tlsscope printing each statement it decodes from the TLS traffic.
#   sudo scripts/demo.sh                  runs until Ctrl-C, then removes everything it made
#   sudo DEMO_SECONDS=20 scripts/demo.sh  stops by itself
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "demo: tlsscope loads eBPF programs and must run as root: sudo scripts/demo.sh" >&2
  exit 1
fi
scripts/deps.sh --demo
# shellcheck source=scripts/java-home.sh
source scripts/java-home.sh
jar=target/quarkus-app/quarkus-run.jar
if [ ! -f "$jar" ] || [ -n "$(find src pom.xml -newer "$jar" -print -quit)" ]; then
  echo "demo: building tlsscope"
  ./mvnw -B -q -DskipTests package
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
work=$(mktemp -d /tmp/tlsscope-demo-XXXXXX)
chmod 755 "$work" # the server runs as postgres below it
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  scripts/pg-tls.sh stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

db_port=$(free_port)
api_port=$(free_port)
uri=$(scripts/pg-tls.sh start "$work/pg" "$db_port")
token=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))') # this demo's API token; the service gets its hash
QUARKUS_HTTP_PORT=$api_port TLSSCOPE_AUTH_TOKENS="admin:sha256:$(printf %s "$token" | sha256sum | cut -d' ' -f1)" \
  TLSSCOPE_AUTH_CREATE_FIRST_TOKEN=false "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar "$jar" serve \
  > "$work/tlsscope.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$api_port/q/health/ready" >/dev/null && break
  sleep 0.3
done
curl -sf "http://127.0.0.1:$api_port/q/health/ready" >/dev/null || { echo "demo: tlsscope did not start:"; tail -20 "$work/tlsscope.log"; exit 1; }

# the workload: a small shop, one psql session per round, over TLS (sslmode=require)
psql -X -q "$uri" -c "CREATE TABLE orders (id serial PRIMARY KEY, item text, quantity int)"
(
  round=0
  while true; do
    round=$((round + 1))
    psql -X -q "$uri" >/dev/null 2>&1 <<SQL || true
INSERT INTO orders (item, quantity) VALUES ('widget-$round', $((round % 7 + 1)));
SELECT id, item, quantity FROM orders ORDER BY id DESC LIMIT 3;
UPDATE orders SET quantity = quantity + 1 WHERE id = $round;
SELECT count(*) FROM orders_archive;
SQL
    sleep 1
  done
) &
pids+=($!)

echo "tlsscope demo: PostgreSQL 127.0.0.1:$db_port (TLS only), tlsscope API http://127.0.0.1:$api_port"
echo "  token for this demo: $token   (curl -H 'Authorization: Bearer $token' http://127.0.0.1:$api_port/api/v1/libraries)"
echo "  statements decoded from the TLS traffic, from psql's side and from the server's; Ctrl-C stops and cleans up:"
follow=("$JAVA_HOME/bin/java" -jar "$jar" events --follow --type query --url "http://127.0.0.1:$api_port" --token "$token")
if [ -n "${DEMO_SECONDS:-}" ]; then
  timeout "$DEMO_SECONDS" "${follow[@]}" || [ $? -eq 124 ]
else
  "${follow[@]}"
fi
