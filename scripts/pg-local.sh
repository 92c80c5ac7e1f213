#!/usr/bin/env bash
# Local PostgreSQL cluster tooling for machines without a Docker engine.
# Used by run.sh, .ci/run and bench/run.sh; can be sourced (functions only) or run as a CLI:
#
#   scripts/pg-local.sh ensure-binaries        print the directory holding initdb/pg_ctl (installs them as root)
#   scripts/pg-local.sh start  DIR PORT        create the cluster in DIR if needed, start it on 127.0.0.1:PORT
#   scripts/pg-local.sh stop   DIR             fast shutdown (no-op when not running)
#   scripts/pg-local.sh status DIR             pg_ctl status (exit 0 when running)
#   scripts/pg-local.sh url    DIR PORT DBNAME create DBNAME if missing, print its Npgsql connection string
#
# The cluster trusts local connections (user postgres, no password): it is for development only.
# postgres refuses to run as root, so as root every server command runs as the postgres user.
# PG_LOCAL_OPTS adds server options to start (e.g. "-c fsync=off" for throwaway clusters).
set -euo pipefail

pg_local_log() { echo "pg-local: $*" >&2; }

# Prints the directory of initdb/pg_ctl: PATH first, then /usr/lib/postgresql/*/bin (newest version).
pg_local_find_bin() {
  local exe dir
  if exe=$(command -v pg_ctl) && command -v initdb >/dev/null; then
    dirname "$(readlink -f "$exe")"
    return 0
  fi
  for dir in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r); do
    if [[ -x $dir/pg_ctl && -x $dir/initdb ]]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

pg_local_ensure_binaries() {
  local dir
  if dir=$(pg_local_find_bin); then
    echo "$dir"
    return 0
  fi
  if [[ $EUID -ne 0 ]]; then
    pg_local_log "PostgreSQL server binaries not found; install the Debian package 'postgresql' (as root)."
    return 1
  fi
  pg_local_log "PostgreSQL server binaries not found: installing the Debian package 'postgresql'"
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql; } >&2
  pg_local_find_bin || { pg_local_log "installed postgresql, but still no initdb/pg_ctl"; return 1; }
}

# Runs a command as the postgres user when we are root.
pg_local_as_owner() {
  if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_local_abs() { mkdir -p "$1" && (cd "$1" && pwd); }

pg_local_is_running() {
  local bin
  bin=$(pg_local_find_bin) || return 1
  [[ -f $1/PG_VERSION ]] && pg_local_as_owner "$bin/pg_ctl" -D "$1" status >/dev/null 2>&1
}

pg_local_start() {
  local dir port bin
  dir=$(pg_local_abs "$1")
  port=$2
  bin=$(pg_local_ensure_binaries)
  if [[ $EUID -eq 0 ]]; then
    chown postgres:postgres "$dir"
    runuser -u postgres -- test -x "$dir" \
      || { pg_local_log "user postgres cannot enter $dir: choose a folder outside /root"; return 1; }
  fi
  chmod 700 "$dir"
  if pg_local_is_running "$dir"; then
    pg_local_log "already running in $dir"
    return 0
  fi
  if [[ ! -f $dir/PG_VERSION ]]; then
    pg_local_log "creating a cluster in $dir"
    pg_local_as_owner "$bin/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >&2
  fi
  pg_local_log "starting PostgreSQL on 127.0.0.1:$port (log: $dir/server.log)"
  if ! pg_local_as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start \
      -o "-p $port -k '$dir' -c listen_addresses=127.0.0.1 ${PG_LOCAL_OPTS:-}" >&2; then
    pg_local_log "start failed; end of $dir/server.log:"
    tail -n 20 "$dir/server.log" >&2 || true
    return 1
  fi
}

pg_local_stop() {
  local dir bin
  [[ -d $1 ]] || { pg_local_log "no cluster in $1"; return 0; }
  dir=$(cd "$1" && pwd)
  if ! pg_local_is_running "$dir"; then
    pg_local_log "not running in $dir"
    return 0
  fi
  bin=$(pg_local_find_bin)
  pg_local_as_owner "$bin/pg_ctl" -D "$dir" -m fast -w -t 60 stop >&2
}

pg_local_status() {
  local bin
  bin=$(pg_local_find_bin) || { echo "no PostgreSQL binaries"; return 4; }
  [[ -d $1 ]] || { echo "no cluster in $1"; return 4; }
  pg_local_as_owner "$bin/pg_ctl" -D "$(cd "$1" && pwd)" status
}

pg_local_url() {
  local port=$2 db=$3 bin
  pg_local_is_running "$1" || { pg_local_log "no cluster running in $1"; return 1; }
  bin=$(pg_local_find_bin)
  # \gexec runs the generated CREATE DATABASE only when the database is missing.
  "$bin/psql" -X -q -v ON_ERROR_STOP=1 -v db="$db" -h 127.0.0.1 -p "$port" -U postgres -d postgres >/dev/null <<'SQL'
SELECT format('CREATE DATABASE %I', :'db') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db')
\gexec
SQL
  echo "Host=127.0.0.1;Port=$port;Database=$db;Username=postgres"
}

pg_local_main() {
  local cmd=${1:-}
  shift || true
  case "$cmd:$#" in
    ensure-binaries:0) pg_local_ensure_binaries ;;
    start:2) pg_local_start "$@" ;;
    stop:1) pg_local_stop "$@" ;;
    status:1) pg_local_status "$@" ;;
    url:3) pg_local_url "$@" ;;
    *)
      sed -n '4,9s/^# \{0,3\}//p' "${BASH_SOURCE[0]}" >&2
      return 2
      ;;
  esac
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  pg_local_main "$@"
fi
