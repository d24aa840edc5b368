#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL 15 cluster on 127.0.0.1 for tests and benchmarks.
#
#   source scripts/postgres.sh; pg_start   # exports SYSOPS_PG_URL
#   pg_stop
#
# PostgreSQL refuses to run as root, so the cluster belongs to the `postgres` user.
# The binaries are installed with apt-get when missing.

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
# Below Linux's ephemeral range (32768-60999): a port there can be taken for a moment by any
# outgoing connection's local end, and the server would then fail to bind it.
PG_PORT="${PG_PORT:-25432}"

pg_install() {
    if [ ! -x "$PG_BIN/initdb" ]; then
        echo "installing PostgreSQL 15 server binaries"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null
        apt-get install -y -qq postgresql-15 >/dev/null
    fi
    if ! id postgres >/dev/null 2>&1; then
        useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    fi
}

pg_free_port() {
    local port="$PG_PORT"
    while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        port=$((port + 1))
    done
    PG_PORT="$port"
}

pg_start() {
    pg_install
    pg_free_port
    PG_DIR="$(mktemp -d /tmp/sysops-pg.XXXXXX)"
    export PG_DIR
    chown postgres "$PG_DIR"
    runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres >"$PG_DIR/initdb.log" 2>&1 \
        || { cat "$PG_DIR/initdb.log"; return 1; }
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c max_connections=300 -c fsync=on" start >/dev/null \
        || { cat "$PG_DIR/server.log"; return 1; }
    runuser -u postgres -- "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres sysops
    export SYSOPS_PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/sysops"
    echo "PostgreSQL 15 running at $SYSOPS_PG_URL (data in $PG_DIR)"
}

pg_stop() {
    if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
        runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
        rm -rf "$PG_DIR"
    fi
}
