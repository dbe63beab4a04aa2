#!/usr/bin/env bash
# usage: sudo bench/bundle-ready.sh [BUNDLE.tar.gz]     (RUNS=5 to change)
# The release bundle's size (packed and unpacked) and start-to-ready time: the bundle is unpacked
# to a temporary folder and bin/tlsscope is started RUNS times as root on a free port, each time
# timed from exec to the first 200 of /q/health/ready (BPF loaded, tracepoints attached, /proc
# scanned); also the time of `tlsscope version` (a JVM start without the service). Prints the
# median and the range. Without an argument: the newest bundle in target/dist (scripts/release.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ "$(id -u)" -eq 0 ] || { echo "bench: run as root" >&2; exit 1; }

bundle="${1:-$(ls -t target/dist/tlsscope-*-linux-x86_64.tar.gz 2>/dev/null | head -n 1)}"
[ -f "$bundle" ] || { echo "bench: no bundle; run scripts/release.sh first" >&2; exit 1; }
runs=${RUNS:-5}
work=$(mktemp -d /tmp/tlsscope-bench-bundle-XXXXXX)
trap 'rm -rf "$work"' EXIT
tar -xzf "$bundle" -C "$work"
home=$(echo "$work"/tlsscope-*)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'quarkus.http.port=%s\ntlsscope.auth.create-first-token=false\ntlsscope.auth.tokens-file=%s/tokens\n' "$port" "$work" > "$work/tlsscope.properties"

echo "bundle: $(basename "$bundle")"
echo "packed: $(du -m "$bundle" | cut -f1) MiB, unpacked: $(du -sm "$home" | cut -f1) MiB (runtime $(du -sm "$home/runtime" | cut -f1), app $(du -sm "$home/app" | cut -f1), lib $(du -sm "$home/lib" | cut -f1))"

now() { date +%s%N; }
ready_ms=() version_ms=()
for run in $(seq "$runs"); do
  start=$(now)
  TLSSCOPE_CONFIG="$work/tlsscope.properties" "$home/bin/tlsscope" serve >"$work/serve.log" 2>&1 &
  service=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/q/health/ready")" = 200 ]; do
    kill -0 "$service" 2>/dev/null || { cat "$work/serve.log"; echo "bench: the service exited" >&2; exit 1; }
    sleep 0.05
  done
  ready_ms+=($(( ($(now) - start) / 1000000 )))
  kill "$service"; wait "$service" || true
  start=$(now)
  TLSSCOPE_CONFIG="$work/tlsscope.properties" "$home/bin/tlsscope" version >/dev/null
  version_ms+=($(( ($(now) - start) / 1000000 )))
done
summary() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {printf "median %d ms (min %d, max %d, %d runs)\n", v[int((NR+1)/2)], v[1], v[NR], NR}'; }
echo "start to ready: $(summary "${ready_ms[@]}")"
echo "tlsscope version: $(summary "${version_ms[@]}")"
