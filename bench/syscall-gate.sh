#!/usr/bin/env bash
# usage: sudo bench/syscall-gate.sh     (ROUNDS=5 BLOCKS=2000000 TLSSCOPE_PORT=7713 TLSSCOPE_JAR=path to change)
# What tlsscope costs a process that makes many read/write syscalls and no TLS call: every read and
# write on the host passes tlsscope's raw-syscall tracepoints. A pipe copy in 64-byte blocks
# (dd | dd) is timed ROUNDS times without tlsscope and ROUNDS times with tlsscope running idle,
# the two interleaved (without, with, without, ...) so that the VM's drift hits both alike.
# Prints the median of each and their ratio (with / without; 1.00 = no cost).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

[ "$(id -u)" -eq 0 ] || { echo "bench: run as root" >&2; exit 1; }
scripts/deps.sh --build-only
# shellcheck source=scripts/java-home.sh
source scripts/java-home.sh
jar=${TLSSCOPE_JAR:-target/quarkus-app/quarkus-run.jar}
[ -f "$jar" ] || ./mvnw -B -q -DskipTests package

rounds=${ROUNDS:-5}
blocks=${BLOCKS:-2000000}
port=${TLSSCOPE_PORT:-7713}
work=$(mktemp -d /tmp/tlsscope-bench-gate-XXXXXX)
service=
stop_service() {
  if [ -n "$service" ]; then
    kill "$service" 2>/dev/null || true
    wait "$service" 2>/dev/null || true
    service=
  fi
}
trap 'stop_service; rm -rf "$work"' EXIT

copy_ms() {
  local start
  start=$(date +%s%N)
  dd if=/dev/zero bs=64 count="$blocks" status=none | dd of=/dev/null bs=64 status=none
  echo $(( ($(date +%s%N) - start) / 1000000 ))
}

start_service() {
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
    -Dquarkus.http.port="$port" -Dtlsscope.auth.create-first-token=false -Dtlsscope.auth.tokens-file="$work/tokens" \
    -jar "$jar" serve >"$work/serve.log" 2>&1 &
  service=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/q/health/ready")" = 200 ]; do
    kill -0 "$service" 2>/dev/null || { cat "$work/serve.log"; echo "bench: the service exited" >&2; exit 1; }
    sleep 0.1
  done
  sleep 2 # past the start-up scan and JIT of the idle service
}

without=() with=()
for round in $(seq "$rounds"); do
  without+=("$(copy_ms)")
  start_service
  with+=("$(copy_ms)")
  stop_service
  echo "round $round: without ${without[-1]} ms, with ${with[-1]} ms"
done
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
m_without=$(median "${without[@]}")
m_with=$(median "${with[@]}")
echo "pipe copy of $blocks 64-byte blocks: without tlsscope ${m_without} ms, with tlsscope idle ${m_with} ms (medians of $rounds)"
awk -v a="$m_with" -v b="$m_without" 'BEGIN {printf "ratio with/without: %.3f\n", a / b}'
