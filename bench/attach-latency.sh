#!/usr/bin/env bash
# usage: sudo bench/attach-latency.sh     (IDLE_PRIVATE=20 IDLE_SHARED=100 CLIENTS=40 TLSSCOPE_PORT=7712 to change)
# Discovery and attach cost, and exec-to-hooked latency, in one run:
#   1. IDLE_PRIVATE processes each map their own copy of libssl (a distinct inode each) and
#      IDLE_SHARED processes map the system libssl, all before tlsscope starts: tlsscope's log gives
#      the initial scan time and the attach time of each inode.
#   2. With tlsscope running, CLIENTS short-lived TLS clients start one after another, half with a
#      fresh private libssl copy (a new inode: must be discovered and attached), half with the
#      system libssl (already attached). Each writes a timestamped line every millisecond from its
#      first SSL_write on; the first line tlsscope captured gives exec-to-hooked latency.
# Prints p50/p99 of each. Timings on a VM are noisy: compare the rows of one run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

[ "$(id -u)" -eq 0 ] || { echo "bench: run as root" >&2; exit 1; }
scripts/deps.sh --build-only
# shellcheck source=scripts/java-home.sh
source scripts/java-home.sh
jar=target/quarkus-app/quarkus-run.jar
[ -f "$jar" ] || ./mvnw -B -q -DskipTests package

exec python3 bench/attach_latency.py --java "$JAVA_HOME/bin/java" --jar "$jar" \
  --port "${TLSSCOPE_PORT:-7712}" --idle-private "${IDLE_PRIVATE:-20}" --idle-shared "${IDLE_SHARED:-100}" \
  --clients "${CLIENTS:-40}"
