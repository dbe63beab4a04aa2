#!/usr/bin/env bash
# A throw-away PostgreSQL 15 that accepts only TLS on 127.0.0.1 (self-signed certificate, trust auth).
#   sudo scripts/pg-tls.sh start DIR PORT   create DIR, start the server, print its connection URI
#   sudo scripts/pg-tls.sh stop DIR         stop it and delete DIR
set -euo pipefail
PG=/usr/lib/postgresql/15/bin

as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }

usage() { echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2; }

[ "$(id -u)" -eq 0 ] || { echo "$0: run as root (the server runs as user postgres)" >&2; exit 1; }
command="${1:-}"
dir="${2:-}"
[ -n "$dir" ] || usage

case "$command" in
  start)
    port="${3:-}"
    [[ "$port" =~ ^[0-9]+$ ]] || usage
    [ ! -e "$dir" ] || { echo "$0: $dir exists; pick a new directory" >&2; exit 1; }
    mkdir -p "$dir"
    chown postgres:postgres "$dir"
    as_postgres "$PG/initdb" -D "$dir/data" -A trust -U postgres --no-sync >/dev/null
    as_postgres openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 2 \
      -keyout "$dir/data/server.key" -out "$dir/data/server.crt" 2>/dev/null
    chmod 600 "$dir/data/server.key"
    printf 'local all all trust\nhostssl all all 127.0.0.1/32 trust\n' > "$dir/data/pg_hba.conf"
    cat >> "$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
ssl = on
max_connections = 50
CONF
    as_postgres "$PG/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null
    echo "postgresql://postgres@127.0.0.1:$port/postgres?sslmode=require"
    ;;
  stop)
    if [ -d "$dir/data" ]; then
      as_postgres "$PG/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *) usage ;;
esac
