#!/usr/bin/env bash
# usage: sudo bench/scope-cost.sh   (ROUNDS=3 REQUESTS=20000 HTTPS_PORT=18443 TLSSCOPE_PORT=7714 TLSSCOPE_JAR=path to change)
# What an HTTPS load outside the scope pays while tlsscope runs. A Python HTTPS server and client
# on loopback (one keep-alive connection, REQUESTS GETs: an SSL_write and an SSL_read per request on
# each side, all through the system libssl) are timed in four set-ups, interleaved per round so that
# the VM's drift hits all alike:
#   without    no tlsscope
#   everything tlsscope with no scope: the load is traced (the cost a scope removes)
#   filtered   scope = the openssl executable, with an idle `openssl s_server` in scope holding the
#              system libssl attached: the load takes the uprobe trap, the kernel leaves each call at
#              its entry (kernel.scope.skipped-calls)
#   unattached the same scope with no openssl process: nobody in scope maps the system libssl, it
#              gets no probes, the load pays no trap
# Prints the median of each and its ratio to "without" (1.00 = no cost).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_prepare --build-only

rounds=${ROUNDS:-3}
requests=${REQUESTS:-20000}
https_port=${HTTPS_PORT:-18443}
port=${TLSSCOPE_PORT:-7714}
python=/usr/bin/python3 # Debian's, linked to the system libssl
openssl_bin=$(readlink -f /usr/bin/openssl)
work=$(mktemp -d /tmp/tlsscope-bench-scope-XXXXXX)
service_pid= server= holder=
stop() {
  for pid in "$service_pid" "$server" "$holder"; do
    [ -n "$pid" ] && { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
  done
  service_pid= server= holder=
}
trap 'stop; rm -rf "$work"' EXIT

openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null

load_ms() {
  "$python" bench/https_load.py serve "$https_port" "$work/cert.pem" "$work/key.pem" &
  server=$!
  until "$python" -c "import socket,sys; socket.create_connection(('127.0.0.1', $https_port), 1)" 2>/dev/null; do sleep 0.1; done
  "$python" bench/https_load.py run "$https_port" "$requests"
  kill "$server"; wait "$server" 2>/dev/null || true; server=
}

with_service() { # SETUP: starts what the set-up needs, prints the load's ms, stops it all
  case $1 in
    filtered)
      openssl s_server -accept 127.0.0.1:$((https_port + 1)) -cert "$work/cert.pem" -key "$work/key.pem" -quiet \
        </dev/null >/dev/null 2>&1 &
      holder=$! ;;
  esac
  local scope=()
  [ "$1" = everything ] || scope=(TLSSCOPE_SCOPE_EXECUTABLES="$openssl_bin")
  bench_start_service "$port" "$work/serve-$1.log" "${scope[@]}"
  if [ "$1" = filtered ]; then
    until curl -s "${auth[@]}" "http://127.0.0.1:$port/api/v1/libraries" | grep -q "\"pids\":\[[^]]*\b$holder\b"; do sleep 0.2; done
  fi
  sleep 2 # past the start-up scan and JIT of the idle service
  local skipped_before ms
  skipped_before=$(bench_counter "$port" kernel.scope.skipped-calls)
  ms=$(load_ms)
  echo "$ms $(( $(bench_counter "$port" kernel.scope.skipped-calls) - skipped_before ))"
  stop
}

declare -A times
setups=(without everything filtered unattached)
for round in $(seq "$rounds"); do
  line="round $round:"
  for setup in "${setups[@]}"; do
    if [ "$setup" = without ]; then
      result="$(load_ms) 0"
    else
      result=$(with_service "$setup")
    fi
    times[$setup]+="${result%% *} "
    line+=" $setup ${result%% *} ms (skipped calls ${result##* }),"
  done
  echo "${line%,}"
done

median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
# shellcheck disable=SC2086
base=$(median ${times[without]})
echo "$requests keep-alive HTTPS requests on loopback through the system libssl, medians of $rounds:"
for setup in "${setups[@]}"; do
  # shellcheck disable=SC2086
  m=$(median ${times[$setup]})
  awk -v s="$setup" -v m="$m" -v b="$base" 'BEGIN {printf "  %-10s %6d ms  ratio to without %.3f\n", s, m, m / b}'
done
