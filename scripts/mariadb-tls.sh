#!/usr/bin/env bash
# A throw-away MariaDB (Debian 12: 10.11) that accepts TCP only with TLS on 127.0.0.1
# (require_secure_transport, self-signed certificate), every statement in DIR/general.log.
# Runs as user mysql; root logs in without a password over the private socket DIR/mariadb.sock.
# Same set-up as src/test/java/io/tlsscope/testsupport/MariaDbTlsServer.java.
#   sudo scripts/mariadb-tls.sh start DIR PORT   create DIR, start the server, wait until it answers
#   sudo scripts/mariadb-tls.sh stop DIR         stop it and delete DIR
set -euo pipefail

as_mysql() { setpriv --reuid=mysql --regid=mysql --init-groups "$@"; }

usage() { echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2; }

[ "$(id -u)" -eq 0 ] || { echo "$0: run as root (the server runs as user mysql)" >&2; exit 1; }
command="${1:-}"
dir="${2:-}"
[ -n "$dir" ] || usage

case "$command" in
  start)
    port="${3:-}"
    [[ "$port" =~ ^[0-9]+$ ]] || usage
    [ ! -e "$dir" ] || { echo "$0: $dir exists; pick a new directory" >&2; exit 1; }
    mkdir -p "$dir"
    openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 2 \
      -keyout "$dir/server.key" -out "$dir/server.crt" 2>/dev/null
    chown -R mysql:mysql "$dir"
    chmod 755 "$dir"
    as_mysql mariadb-install-db --no-defaults --datadir="$dir/data" --auth-root-authentication-method=socket \
      --skip-test-db >/dev/null
    setsid setpriv --reuid=mysql --regid=mysql --init-groups /usr/sbin/mariadbd --no-defaults \
      --datadir="$dir/data" --port="$port" --bind-address=127.0.0.1 --socket="$dir/mariadb.sock" \
      --pid-file="$dir/mariadb.pid" --ssl-cert="$dir/server.crt" --ssl-key="$dir/server.key" \
      --require-secure-transport=ON --general-log=ON --general-log-file="$dir/general.log" \
      --log-error="$dir/error.log" --skip-log-bin --innodb-buffer-pool-size=16M \
      > "$dir/stdout.log" 2>&1 < /dev/null &
    for _ in $(seq 1 300); do
      mariadb-admin --no-defaults --socket="$dir/mariadb.sock" -u root ping --silent >/dev/null 2>&1 && exit 0
      sleep 0.2
    done
    echo "$0: MariaDB did not become ready:" >&2
    tail -20 "$dir/error.log" >&2
    exit 1
    ;;
  stop)
    if [ -f "$dir/mariadb.pid" ]; then
      pid=$(cat "$dir/mariadb.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      ! kill -0 "$pid" 2>/dev/null || kill -9 "$pid"
    fi
    rm -rf "$dir"
    ;;
  *) usage ;;
esac
