#!/usr/bin/env bash
# usage: sudo bench/user-memory-reads.sh   (DURATION=20 CLIENTS=4 ROUNDS=2 TLSSCOPE_PORT=7715 to change)
# What the sleepable copying return probes cost against the non-faulting ones
# (tlsscope.tracer.user-memory-reads=copy / probe-read): `pgbench -S` over TLS against a private
# PostgreSQL 15, untraced, then ROUNDS rounds of tlsscope with probe-read and with copy (alternated,
# so a drift of the machine touches both alike), no SSE client. Prints each phase's TPS, its ratio
# to untraced and the calls the kernel captured. Timings on a VM are noisy: read the ratios.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DURATION=${DURATION:-20}
CLIENTS=${CLIENTS:-4}
ROUNDS=${ROUNDS:-2}
TLSSCOPE_PORT=${TLSSCOPE_PORT:-7715}

# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_prepare --bench

work=$(mktemp -d /tmp/tlsscope-reads-XXXXXX)
chmod 755 "$work" # the server runs as postgres below it
service_pid=""
cleanup() {
  [ -n "$service_pid" ] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null
  scripts/pg-tls.sh stop "$work/pg"
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
uri=$(scripts/pg-tls.sh start "$work/pg" "$port")
pgbench -q -i -s 10 "$uri" >/dev/null 2>&1

tps() {
  pgbench -S -n -c "$CLIENTS" -j 2 -T "$DURATION" "$uri" 2>/dev/null | awk '/^tps = / {print $3}'
}

untraced=$(tps)
printf '%-26s %10s %12s %16s\n' phase tps vs-untraced calls-captured
printf '%-26s %10.1f %12s %16s\n' untraced "$untraced" 1.000 -
for round in $(seq 1 "$ROUNDS"); do
  for reads in probe-read copy; do
    bench_start_service "$TLSSCOPE_PORT" "$work/tlsscope-$reads-$round.log" TLSSCOPE_TRACER_USER_MEMORY_READS="$reads"
    sleep 2 # the service attaches to the running postmaster at start; backends fork from it
    traced=$(tps)
    captured=$(bench_counter "$TLSSCOPE_PORT" kernel.calls.captured)
    running=$(curl -s "http://127.0.0.1:$TLSSCOPE_PORT/q/health/ready" | python3 -c \
      'import json, sys; print(next(c["data"]["userMemoryReads"] for c in json.load(sys.stdin)["checks"] if c["name"] == "tracer"))')
    kill "$service_pid"; wait "$service_pid" 2>/dev/null || true; service_pid=""
    [ "$running" = "$reads" ] || { echo "asked for $reads, the service ran $running" >&2; exit 1; }
    printf '%-26s %10.1f %12s %16s\n' "tlsscope $reads (round $round)" "$traced" \
      "$(python3 -c "print(f'{$traced / $untraced:.3f}')")" "$captured"
  done
done
