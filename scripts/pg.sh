#!/usr/bin/env bash
# pg.sh — a private PostgreSQL cluster for tests and benchmarks.
#
#   scripts/pg.sh start DIR   initialise (once) and start a cluster in DIR/data,
#                             listening only on a unix socket in DIR; creates
#                             database "lectern"; prints a libpq URL on stdout.
#   scripts/pg.sh stop DIR    stop it (fast shutdown).
#   scripts/pg.sh url DIR     print the URL again.
#
# Run as root, the server tools run as the "postgres" system user (initdb
# refuses root) and DIR is handed to that user.  Exit status 3 means
# PostgreSQL is not installed.  Messages go to stderr; only the URL to stdout.
set -euo pipefail

die() { echo "pg.sh: $*" >&2; exit 1; }
# die with a status: die_rc RC MESSAGE
die_rc() { local rc=$1; shift; echo "pg.sh: $*" >&2; exit "$rc"; }

usage() { die "usage: pg.sh start|stop|url DIR"; }

# Highest installed version's bin directory (Debian layout).
find_bin() {
    local d best=""
    for d in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V); do
        [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] && best=$d
    done
    [ -n "$best" ] || die_rc 3 "PostgreSQL server is not installed (no /usr/lib/postgresql/*/bin/initdb); try: apt-get install postgresql"
    echo "$best"
}

# Run a server tool as the cluster owner, from a directory it can read.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && "$@")
    fi
}

owner_name() {
    if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi
}

# Percent-encode for a URL query value.
urlencode() {
    local s=$1 out="" c i
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case $c in
            [A-Za-z0-9/._~-]) out+=$c ;;
            *) out+=$(printf '%%%02X' "'$c") ;;
        esac
    done
    echo "$out"
}

print_url() {
    echo "postgresql:///lectern?host=$(urlencode "$DIR")&user=lectern"
}

# As root: DIR belongs to postgres and every ancestor is traversable.
prepare_dir_root() {
    getent passwd postgres >/dev/null || die "running as root needs the 'postgres' system user"
    # a cluster directory made by another user (or a non-root run) is taken over
    if [ -n "$(find "$DIR" ! -user postgres -print -quit)" ]; then
        chown -R postgres: "$DIR"
    fi
    local p=$DIR
    while [ "$p" != / ]; do
        p=$(dirname "$p")
        runuser -u postgres -- test -x "$p" || chmod o+x "$p"
    done
}

prepare_dir() {
    mkdir -p "$DIR"
    chmod 700 "$DIR"
    if [ "$(id -u)" -eq 0 ]; then prepare_dir_root; fi
    local sock="$DIR/.s.PGSQL.5432"
    [ "${#sock}" -le 100 ] || die "socket path too long (${#sock} > 100 bytes): $sock"
}

init_cluster() {
    [ -f "$DATA/PG_VERSION" ] && return 0
    echo "pg.sh: initdb $DATA" >&2
    as_owner "$BIN/initdb" -D "$DATA" -U lectern --auth=trust -E UTF8 \
        --locale=C >"$DIR/initdb.log" 2>&1 ||
        { cat "$DIR/initdb.log" >&2; die "initdb failed"; }
    [ "$(id -u)" -ne 0 ] || chown postgres: "$DIR/initdb.log"
    echo "include_if_exists = 'lectern.conf'" | as_owner tee -a "$DATA/postgresql.conf" >/dev/null
}

# Settings rewritten at every start, so a moved DIR still works.
write_conf() {
    local q=${DIR//\'/\'\'}
    as_owner tee "$DATA/lectern.conf" >/dev/null <<EOF
# written by scripts/pg.sh at every start
listen_addresses = ''
unix_socket_directories = '$q'
unix_socket_permissions = 0700
EOF
}

# PID of a live postmaster for this cluster, or nothing.
live_pid() {
    local pidfile="$DATA/postmaster.pid" pid
    [ -f "$pidfile" ] || return 0
    pid=$(head -n 1 "$pidfile" 2>/dev/null || true)
    [[ $pid =~ ^[0-9]+$ ]] || return 0
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = postgres ] || return 0
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$DATA" || return 0
    echo "$pid"
}

# Processes of this cluster (postgres keeps its data directory as cwd),
# such as backends orphaned by a killed postmaster.
cluster_procs() {
    local p
    for p in /proc/[0-9]*; do
        [ "$(cat "$p/comm" 2>/dev/null)" = postgres ] || continue
        [ "$(readlink "$p/cwd" 2>/dev/null)" = "$DATA" ] && echo "${p#/proc/}"
    done
    return 0
}

# After a killed run: let orphaned children go (they must be gone before a
# new postmaster starts), then remove lock files whose PID now belongs to
# some other process (postgres itself handles PIDs that are simply dead).
clear_stale() {
    [ -z "$(live_pid)" ] || return 0
    local i f pid pids=()
    for ((i = 0; i < 100; i++)); do
        mapfile -t pids < <(cluster_procs)
        [ "${#pids[@]}" -gt 0 ] || break
        if [ "$i" -eq 50 ]; then
            echo "pg.sh: stopping orphaned server processes ${pids[*]}" >&2
            kill -QUIT "${pids[@]}" 2>/dev/null || true
        fi
        [ "$i" -ne 80 ] || kill -KILL "${pids[@]}" 2>/dev/null || true
        sleep 0.1
    done
    [ -z "$(cluster_procs)" ] || die "old server processes still running in $DATA"
    for f in "$DATA/postmaster.pid" "$DIR/.s.PGSQL.5432.lock"; do
        [ -f "$f" ] || continue
        pid=$(head -n 1 "$f" 2>/dev/null || true)
        if [[ $pid =~ ^[0-9]+$ ]] && [ -d "/proc/$pid" ]; then
            echo "pg.sh: removing stale $f (PID $pid is not this server)" >&2
            rm -f "$f"
        fi
    done
}

wait_ready() {
    local i
    for ((i = 0; i < 300; i++)); do
        as_owner "$BIN/pg_isready" -q -h "$DIR" -d postgres -U lectern && return 0
        sleep 0.1
    done
    die "server in $DATA does not accept connections (see $DIR/server.log)"
}

create_db() {
    local have
    have=$(as_owner "$BIN/psql" -X -q -h "$DIR" -U lectern -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'lectern'")
    [ "$have" = 1 ] && return 0
    as_owner "$BIN/createdb" -h "$DIR" -U lectern -E UTF8 -T template0 lectern
}

cmd_start() {
    prepare_dir
    init_cluster
    write_conf
    clear_stale
    if [ -z "$(live_pid)" ]; then
        as_owner touch "$DIR/server.log"
        as_owner "$BIN/pg_ctl" -D "$DATA" -l "$DIR/server.log" -w -t 60 start >&2 ||
            { tail -n 20 "$DIR/server.log" >&2; die "pg_ctl start failed"; }
    fi
    wait_ready
    create_db
    print_url
}

cmd_stop() {
    [ -f "$DATA/PG_VERSION" ] || die "no cluster in $DATA"
    if [ -z "$(live_pid)" ]; then
        echo "pg.sh: not running" >&2
        clear_stale
        return 0
    fi
    as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >&2
}

[ $# -eq 2 ] || usage
CMD=$1
case $CMD in start | stop | url) ;; *) usage ;; esac
[ -n "$2" ] || usage
[ "$CMD" != start ] || mkdir -p "$2"
[ -d "$2" ] || die "no such directory: $2"
DIR=$(cd "$2" && pwd -P)
DATA="$DIR/data"

case $CMD in
    start) BIN=$(find_bin); cmd_start ;;
    stop) BIN=$(find_bin); cmd_stop ;;
    url) print_url ;;
esac
