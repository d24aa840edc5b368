#!/usr/bin/env bash
# Starts or stops a throwaway Citus cluster on 127.0.0.1: a coordinator and two workers, each a
# PostgreSQL 15 server with the citus extension, for the tests and benchmarks on distributed
# PostgreSQL.
#
#   source scripts/citus.sh; citus_start   # exports SYSOPS_CITUS_URL (the coordinator)
#   citus_stop
#
# Citus 13 must be installed for PostgreSQL 15 (Citus's own packages, or a build). When it is
# missing, citus_install unpacks a prebuilt tarball from $SYSOPS_CITUS_DIST (default: the
# `shared/citus` folder beside the project's checkout), which these project machines have.

CITUS_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
CITUS_LIB="$(dirname "$CITUS_BIN")/lib"
# Below the ephemeral port range, like PG_PORT (see postgres.sh).
CITUS_PORT="${CITUS_PORT:-26001}"

# Where a prebuilt Citus may be found: the variable, else shared/citus beside the checkout.
citus_dist() {
    local root
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    for dir in "${SYSOPS_CITUS_DIST:-}" "$root/../shared/citus"; do
        if [ -n "$dir" ] && compgen -G "$dir/citus-*-pg15-amd64.tar.gz" >/dev/null; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

# Succeeds when Citus is installed or could be installed from the prebuilt tarball.
citus_install() {
    if [ -e "$CITUS_LIB/citus.so" ]; then
        return 0
    fi
    local dist
    dist="$(citus_dist)" || return 1
    echo "installing Citus from $dist"
    tar -xzf "$dist"/citus-*-pg15-amd64.tar.gz -C /
}

# Starts one node; a Citus built against newer PostgreSQL 15 headers than the installed server
# fails to load with an undefined symbol, and then the server is brought to the latest 15.x.
citus_node() {
    local dir="$1" port="$2"
    if ! runuser -u postgres -- "$CITUS_BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir" start >/dev/null; then
        if grep -q "undefined symbol" "$dir/server.log" && [ -z "${citus_upgraded:-}" ]; then
            citus_upgraded=1
            echo "Citus needs a newer PostgreSQL 15 minor release: upgrading the server package"
            export DEBIAN_FRONTEND=noninteractive
            apt-get update -qq >/dev/null && apt-get install -y -qq postgresql-15 >/dev/null
            # A server started before the upgrade (scripts/postgres.sh's) runs the old binary
            # against the new libraries, and fails to load plpgsql: restart it on the new one.
            if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
                runuser -u postgres -- "$CITUS_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -m fast restart >/dev/null
            fi
            citus_node "$dir" "$port"
            return
        fi
        cat "$dir/server.log" >&2
        return 1
    fi
}

citus_start() {
    pg_install
    citus_install || {
        echo "Citus 13 for PostgreSQL 15 is not installed (set SYSOPS_CITUS_DIST to a folder with the prebuilt tarball)" >&2
        return 1
    }
    CITUS_DIR="$(mktemp -d /tmp/sysops-citus.XXXXXX)"
    export CITUS_DIR
    chown postgres "$CITUS_DIR"
    local port="$CITUS_PORT" ports=()
    while [ "${#ports[@]}" -lt 3 ]; do
        (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null || ports+=("$port")
        port=$((port + 1))
    done
    for port in "${ports[@]}"; do
        local dir="$CITUS_DIR/n$port"
        runuser -u postgres -- "$CITUS_BIN/initdb" -D "$dir" -A trust -U postgres -E UTF8 --no-locale \
            >"$CITUS_DIR/initdb.log" 2>&1 || { cat "$CITUS_DIR/initdb.log"; return 1; }
        # Eight shards per distributed table instead of 32: on one machine the tests create many
        # schemas, and each table's shards are created one by one; eight still spread every
        # co-location group over both workers.
        {
            echo "shared_preload_libraries = 'citus'"
            echo "max_connections = 300"
            echo "citus.shard_count = 8"
        } >>"$dir/postgresql.conf"
        (cd / && citus_node "$dir" "$port") || return 1
    done
    local sql=("$CITUS_BIN/psql" -h 127.0.0.1 -U postgres -X -q -v ON_ERROR_STOP=1)
    for port in "${ports[@]}"; do
        "${sql[@]}" -p "$port" -c "CREATE EXTENSION citus" >/dev/null || return 1
    done
    "${sql[@]}" -p "${ports[0]}" -c "SELECT citus_set_coordinator_host('127.0.0.1', ${ports[0]})" >/dev/null || return 1
    for port in "${ports[@]:1}"; do
        "${sql[@]}" -p "${ports[0]}" -c "SELECT citus_add_node('127.0.0.1', $port)" >/dev/null || return 1
    done
    export SYSOPS_CITUS_URL="postgres://postgres@127.0.0.1:${ports[0]}/postgres"
    echo "Citus $("${sql[@]}" -p "${ports[0]}" -tAc "SELECT extversion FROM pg_extension WHERE extname = 'citus'")" \
        "running: coordinator $SYSOPS_CITUS_URL, workers on ports ${ports[*]:1} (data in $CITUS_DIR)"
}

citus_stop() {
    if [ -n "${CITUS_DIR:-}" ] && [ -d "$CITUS_DIR" ]; then
        for dir in "$CITUS_DIR"/n*; do
            runuser -u postgres -- "$CITUS_BIN/pg_ctl" -D "$dir" -m immediate stop >/dev/null 2>&1 || true
        done
        rm -rf "$CITUS_DIR"
    fi
}
