#!/usr/bin/env bash
# usage: sudo bench/pgbench-tls.sh        (DURATION=20 CLIENTS=4 SCALE=10 TLSSCOPE_PORT=7711 to change;
#                                           NO_SSE=1 runs the tlsscope phase without an SSE client)
# One run, three phases of `pgbench -S` over TLS against a private PostgreSQL 15:
#   untraced, under tlsscope, under a bare bpftrace uprobe+uretprobe counter on the same four
#   OpenSSL functions. Prints TPS, ratios to untraced, and tlsscope's captured statements
#   against pgbench's transaction count. Timings on a VM are noisy: read the ratios.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DURATION=${DURATION:-20}
CLIENTS=${CLIENTS:-4}
SCALE=${SCALE:-10}
TLSSCOPE_PORT=${TLSSCOPE_PORT:-7711}
LIBSSL=/usr/lib/x86_64-linux-gnu/libssl.so.3

# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_prepare --bench

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

run_pgbench() { # prints "tps transactions"
  pgbench -S -n -c "$CLIENTS" -j 2 -T "$DURATION" "$uri" 2>/dev/null |
    awk '/number of transactions actually processed/ {split($NF,a,"/"); tx=a[1]} /^tps = / {tps=$3} END {print tps, tx}'
}

echo "phase 1/3: untraced"
read -r tps_plain tx_plain < <(run_pgbench)

echo "phase 2/3: under tlsscope"
bench_start_service "$TLSSCOPE_PORT" "$work/tlsscope.log"
tracer_pid=$service_pid
if [ "${NO_SSE:-}" = 1 ]; then
  : > "$work/events.sse"; sleep 60 & # no SSE client: measures capture without delivery
else
  curl -sN "${auth[@]}" "http://127.0.0.1:$TLSSCOPE_PORT/api/v1/events" > "$work/events.sse" &
fi
sse_pid=$!
sleep 1
read -r tps_traced tx_traced < <(run_pgbench)
sleep 2
kill "$sse_pid" 2>/dev/null || true
counters=$(curl -s "${auth[@]}" "http://127.0.0.1:$TLSSCOPE_PORT/api/v1/counters")
kill "$tracer_pid"; wait "$tracer_pid" 2>/dev/null || true; tracer_pid=""

captured=$(python3 - "$work/events.sse" <<'PY'
import json, sys
def captured_statements(path):
    """SELECTs pgbench sent (comm pgbench, direction write) whose text the stream carried."""
    count = 0
    for line in open(path, encoding="utf-8", errors="replace"):
        if not line.startswith("data:"):
            continue
        event = json.loads(line[5:])
        if event.get("comm") == "pgbench" and event.get("direction") == "write":
            count += (event.get("text") or "").count("SELECT abalance")
    return count
print(captured_statements(sys.argv[1]))
PY
)

echo "phase 3/3: under bare bpftrace (uprobe+uretprobe, count only)"
bpftrace -e "
uprobe:$LIBSSL:SSL_read, uprobe:$LIBSSL:SSL_write, uprobe:$LIBSSL:SSL_read_ex, uprobe:$LIBSSL:SSL_write_ex { @calls = count(); }
uretprobe:$LIBSSL:SSL_read, uretprobe:$LIBSSL:SSL_write, uretprobe:$LIBSSL:SSL_read_ex, uretprobe:$LIBSSL:SSL_write_ex { @returns = count(); }
" > "$work/bpftrace.log" 2>&1 &
bpftrace_pid=$!
for _ in $(seq 1 100); do grep -q Attaching "$work/bpftrace.log" && break; sleep 0.2; done
sleep 1
read -r tps_bpftrace tx_bpftrace < <(run_pgbench)
kill -TERM "$bpftrace_pid"; wait "$bpftrace_pid" 2>/dev/null || true # background jobs ignore SIGINT

ratio() { python3 -c "print(f'{$1 / $2:.3f}')"; }
echo
echo "pgbench -S, $CLIENTS clients, ${DURATION}s each, TLS (sslmode=require), scale $SCALE"
printf '%-22s %12s %14s %10s\n' phase tps transactions vs-untraced
printf '%-22s %12.1f %14s %10s\n' untraced "$tps_plain" "$tx_plain" 1.000
printf '%-22s %12.1f %14s %10s\n' tlsscope "$tps_traced" "$tx_traced" "$(ratio "$tps_traced" "$tps_plain")"
printf '%-22s %12.1f %14s %10s\n' "bpftrace (count only)" "$tps_bpftrace" "$tx_bpftrace" "$(ratio "$tps_bpftrace" "$tps_plain")"
echo
echo "tlsscope captured $captured of $tx_traced pgbench statements (SELECT abalance in pgbench's SSL_write events)"
echo "tlsscope counters:"
python3 -c '
import json, sys
for counter in json.load(sys.stdin):
    if counter["value"]:
        print("  %-40s %d" % (counter["name"], counter["value"]))
' <<< "$counters"
