#!/usr/bin/env bash
# usage: sudo bench/result-flood.sh      (QUERIES=2000 CONCURRENCY=4 CLIENTS=4 DURATION=10 ROWS=10000
#                                          TLSSCOPE_PORT=7713 to change)
# Issue 17's result-set floods, in one run, at the default ring size: do the statements survive?
#   mariadb: mariadb-slap --auto-generate-sql (mixed load: its SELECTs return the whole table) over
#            TLS against a private MariaDB (scripts/mariadb-tls.sh); ground truth: the Query
#            entries of the slap sessions in the general log
#   postgres: pgbench -f with one `SELECT * FROM flood;` of ROWS rows of about 100 bytes over TLS
#            against a private PostgreSQL (scripts/pg-tls.sh); ground truth: pgbench's transactions
# Each phase runs twice, under a fresh tlsscope each time: with the default response budget, and
# with TLSSCOPE_CAPTURE_RESPONSE_BUDGET_BYTES=0 (answers captured whole, the behaviour before).
# Prints per run the statements, the server- and client-side query events that carry one of them
# (events of this run's servers only: by the server's pid or port), and the counters' growth during
# the phase (ring-buffer drops, bytes skipped by the budget, SSE client drops). The counters are
# the whole machine's: other TLS traffic on it during a phase counts there too.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

QUERIES=${QUERIES:-2000}
CONCURRENCY=${CONCURRENCY:-4}
CLIENTS=${CLIENTS:-4}
DURATION=${DURATION:-10}
ROWS=${ROWS:-10000}
TLSSCOPE_PORT=${TLSSCOPE_PORT:-7713}
FLOOD_STATEMENT='SELECT * FROM flood;'

# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_prepare --bench

work=$(mktemp -d /tmp/tlsscope-flood-XXXXXX)
chmod 755 "$work" # the servers run as postgres and mysql below it
tracer_pid=""
sse_pid=""
stop_tracer() {
  local pid
  for pid in $sse_pid $tracer_pid; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true # a killed job's status is not a failure here
  done
  sse_pid=""; tracer_pid=""
}
cleanup() {
  stop_tracer
  scripts/mariadb-tls.sh stop "$work/mariadb"
  scripts/pg-tls.sh stop "$work/pg"
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
counts() { python3 bench/result_flood_counts.py "$@"; }

maria_port=$(free_port)
scripts/mariadb-tls.sh start "$work/mariadb" "$maria_port"
maria_pid=$(cat "$work/mariadb/mariadb.pid")
general_log=$work/mariadb/general.log
mariadb --no-defaults --socket="$work/mariadb/mariadb.sock" -u root \
  -e "CREATE USER slap@'127.0.0.1' IDENTIFIED BY 'slap'; GRANT ALL ON *.* TO slap@'127.0.0.1'"

pg_port=$(free_port)
pg_uri=$(scripts/pg-tls.sh start "$work/pg" "$pg_port")
psql -q "$pg_uri" -c "CREATE TABLE flood AS SELECT g AS id, repeat('x', 100) AS filler FROM generate_series(1, $ROWS) g"
echo "$FLOOD_STATEMENT" > "$work/flood.sql"

api=http://127.0.0.1:$TLSSCOPE_PORT

start_tracer() { # $1: response budget in bytes, or "default"; events go to $work/events-$1.sse
  local budget=()
  [ "$1" = default ] || budget=(TLSSCOPE_CAPTURE_RESPONSE_BUDGET_BYTES="$1")
  bench_start_service "$TLSSCOPE_PORT" "$work/tlsscope-$1.log" "${budget[@]}"
  tracer_pid=$service_pid
  curl -sN "${auth[@]}" "$api/api/v1/events?type=query" > "$work/events-$1.sse" &
  sse_pid=$!
  for _ in $(seq 1 100); do # both servers' libssl attached, the SSE client connected
    curl -s "${auth[@]}" "$api/api/v1/libraries" | python3 -c '
import json, sys
pids = {pid for library in json.load(sys.stdin) for pid in library.get("pids", [])}
sys.exit(0 if {int(sys.argv[1]), int(sys.argv[2])} <= pids else 1)' "$maria_pid" "$(head -1 "$work/pg/data/postmaster.pid")" &&
      [ "$(counter sse.clients)" -ge 1 ] && return
    sleep 0.3
  done
  echo "tlsscope did not attach to both servers' libssl:"; tail -20 "$work/tlsscope-$1.log"; exit 1
}

counter() { bench_counter "$TLSSCOPE_PORT" "$1"; }
kernel_counters() { # drops, dropped bytes, budgeted bytes, SSE client drops, now
  echo "$(counter kernel.ringbuf.drops) $(counter kernel.ringbuf.dropped-bytes) $(counter kernel.budgeted.bytes) $(counter sse.client-drops)"
}
settle() { # until the event file has not grown for 2 s (30 s at most): the pipeline has delivered
  local before=-1 now
  for _ in $(seq 1 30); do
    now=$(stat -c %s "$1")
    [ "$now" = "$before" ] && return
    before=$now
    sleep 2
  done
}
growth() { # "a b c d" "e f g h" -> the differences
  python3 -c 'import sys; print(*(int(b) - int(a) for a, b in zip(sys.argv[1].split(), sys.argv[2].split())))' "$1" "$2"
}

notes=()
unmatched() { # phase, then all and matched query events of the server and the client side
  [ "$2" = "$3" ] || notes+=("$1: $(($2 - $3)) server-side query events carry no statement of the phase")
  [ "$4" = "$5" ] || notes+=("$1: $(($4 - $5)) client-side query events carry no statement of the phase")
}

results=()
for budget in default 0; do
  echo "tlsscope with response budget $budget"
  start_tracer "$budget"
  events=$work/events-$budget.sse

  echo "  mariadb-slap --number-of-queries=$QUERIES --concurrency=$CONCURRENCY (mixed)"
  log_offset=$(stat -c %s "$general_log")
  before=$(kernel_counters)
  MYSQL_PWD=slap mariadb-slap --no-defaults --protocol=TCP -h 127.0.0.1 -P "$maria_port" -u slap --ssl \
    --auto-generate-sql --auto-generate-sql-load-type=mixed --number-of-queries="$QUERIES" \
    --concurrency="$CONCURRENCY" > "$work/slap-$budget.log"
  settle "$events"
  kernel=$(growth "$before" "$(kernel_counters)")
  logged=$(counts general-log "$general_log" "$log_offset" slap)
  read -r server_all server < <(counts events "$events" server pid "$maria_pid" --log "$general_log" "$log_offset" slap)
  read -r client_all client < <(counts events "$events" client destination "127.0.0.1:$maria_port" --log "$general_log" "$log_offset" slap)
  unmatched "mariadb-slap, budget $budget" "$server_all" "$server" "$client_all" "$client"
  results+=("mariadb-slap $budget $logged $server $client $kernel")

  echo "  pgbench -f flood.sql -c $CLIENTS -T $DURATION ($ROWS rows a statement)"
  before=$(kernel_counters)
  pgbench -n -f "$work/flood.sql" -c "$CLIENTS" -j 2 -T "$DURATION" "$pg_uri" > "$work/pgbench-$budget.log"
  transactions=$(awk '/number of transactions actually processed/ {split($NF,a,"/"); print a[1]}' "$work/pgbench-$budget.log")
  settle "$events"
  kernel=$(growth "$before" "$(kernel_counters)")
  read -r server_all server < <(counts events "$events" server source "127.0.0.1:$pg_port" --statement "$FLOOD_STATEMENT")
  read -r client_all client < <(counts events "$events" client destination "127.0.0.1:$pg_port" --statement "$FLOOD_STATEMENT")
  unmatched "pgbench, budget $budget" "$server_all" "$server" "$client_all" "$client"
  results+=("pgbench $budget $transactions $server $client $kernel")
  stop_tracer
done

echo
echo "Statements, and the query events from each side that carry one of them (nothing else counted);"
echo "counters are their growth during the phase (machine-wide). budget 0 = answers captured whole."
printf '%-13s %8s %11s %14s %14s %12s %14s %15s %10s\n' load budget statements server-events client-events ring-drops \
  dropped-bytes budgeted-bytes sse-drops
for row in "${results[@]}"; do
  # shellcheck disable=SC2086 # the row is nine words
  printf '%-13s %8s %11s %14s %14s %12s %14s %15s %10s\n' $row
done
for note in "${notes[@]}"; do echo "$note"; done
