#!/usr/bin/env bash
# usage: sudo bench/soak.sh        (DURATION=600 seconds, SAMPLE=10 seconds, TLSSCOPE_PORT=7714 to change)
# The service under a mixed database load for a long time, sampled: pgbench -S over TLS against a
# private PostgreSQL (4 clients) and mariadb-slap's mixed load over TLS against a private MariaDB in
# a loop (its SELECTs return the whole table: result floods), with SSE clients on query and raw
# events. Every SAMPLE seconds: the service's resident memory, its CPU over the interval, decoder
# connections and bytes held, ring-buffer drops. Prints the samples and the RSS growth from the
# end of the first minute to the end. Timings on a VM are noisy; memory is what this is for.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DURATION=${DURATION:-600}
SAMPLE=${SAMPLE:-10}
TLSSCOPE_PORT=${TLSSCOPE_PORT:-7714}

# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_prepare --bench

work=$(mktemp -d /tmp/tlsscope-soak-XXXXXX)
chmod 755 "$work" # the servers run as postgres and mysql below it
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true # a killed job's status is not a failure here
  done
  scripts/mariadb-tls.sh stop "$work/mariadb"
  scripts/pg-tls.sh stop "$work/pg"
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
maria_port=$(free_port)
scripts/mariadb-tls.sh start "$work/mariadb" "$maria_port"
mariadb --no-defaults --socket="$work/mariadb/mariadb.sock" -u root \
  -e "CREATE USER slap@'127.0.0.1' IDENTIFIED BY 'slap'; GRANT ALL ON *.* TO slap@'127.0.0.1'"
pg_uri=$(scripts/pg-tls.sh start "$work/pg" "$(free_port)")
pgbench -q -i -s 10 "$pg_uri" >/dev/null 2>&1

bench_start_service "$TLSSCOPE_PORT" "$work/tlsscope.log"
pids+=("$service_pid")
api=http://127.0.0.1:$TLSSCOPE_PORT
curl -sN "${auth[@]}" "$api/api/v1/events?type=query" > "$work/query.sse" &
pids+=($!)
curl -sN "${auth[@]}" "$api/api/v1/events?type=raw" > "$work/raw.sse" &
pids+=($!)

pgbench -S -n -c 4 -j 2 -T "$DURATION" "$pg_uri" > "$work/pgbench.out" 2>&1 &
pids+=($!)
(
  end=$((SECONDS + DURATION))
  while [ "$SECONDS" -lt "$end" ]; do
    mariadb-slap --no-defaults --protocol=TCP -h 127.0.0.1 -P "$maria_port" -u slap -pslap --ssl \
      --auto-generate-sql --auto-generate-sql-load-type=mixed --number-of-queries=400 --concurrency=4 >/dev/null 2>&1 || true
  done
) &
pids+=($!)

ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$service_pid/stat"; }
rss_mb() { awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$service_pid/status"; }
printf '%6s %8s %9s %12s %14s %12s %12s\n' seconds rss-MB cpu-core connections decoder-bytes ring-drops query-events
first_minute_rss=""
start=$SECONDS
before=$(cpu_ticks)
while [ $((SECONDS - start)) -lt "$DURATION" ]; do
  sleep "$SAMPLE"
  now=$(cpu_ticks)
  rss=$(rss_mb)
  queries=$(grep -c '^data:' "$work/query.sse" || true)
  printf '%6d %8d %9.2f %12d %14d %12d %12d\n' $((SECONDS - start)) "$rss" \
    "$(awk -v used=$((now - before)) -v ticks="$ticks" -v seconds="$SAMPLE" 'BEGIN { print used / ticks / seconds }')" "$(bench_counter "$TLSSCOPE_PORT" decoder.connections)" \
    "$(bench_counter "$TLSSCOPE_PORT" decoder.kept-bytes)" "$(bench_counter "$TLSSCOPE_PORT" kernel.ringbuf.drops)" "$queries"
  before=$now
  [ -z "$first_minute_rss" ] && [ $((SECONDS - start)) -ge 60 ] && first_minute_rss=$rss
done
last_rss=$(rss_mb)
echo "resident memory: ${first_minute_rss:-$last_rss} MB after the first minute, $last_rss MB at the end" \
  "(growth $((last_rss - ${first_minute_rss:-$last_rss})) MB over $((DURATION - 60)) s)"
echo "pgbench: $(grep -E 'number of failed|tps = ' "$work/pgbench.out" | tr '\n' ' ')"
echo "service health at the end: $(curl -s -o /dev/null -w '%{http_code}' "$api/q/health/ready")"
