#!/usr/bin/env bash
# Runs the API locally with a PostgreSQL database, demo data and two keys: an operator key (Admin) and an
# OrganizationAdmin key of the demo organization.
#
# Database, in this order:
#   1. ConnectionStrings__Default, when set;
#   2. the `db` service of docker-compose.yml, when a Docker engine answers;
#   3. a local cluster in .data/postgres on port PGPORT_LOCAL (default 5433), made with the
#      PostgreSQL server binaries (scripts/pg-local.sh; installed with apt-get when missing and root).
# The API listens on http://localhost:PORT (default 5080). Ctrl+C stops the API, then the local
# PostgreSQL if this script started it. The keys are made once and kept in .data/admin-key (the operator key)
# and .data/org-admin-key (the demo organization's OrganizationAdmin key).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$root"
data="$root/.data"
port=${PORT:-5080}
pg_port=${PGPORT_LOCAL:-5433}
pg_dir="$data/postgres"
db_name=prisoner_release_tracker
api_pid=
started_pg=0

log() { echo "run.sh: $*" >&2; }

# shellcheck disable=SC2317  # invoked from the traps
cleanup() {
  trap - INT TERM EXIT
  if [[ -n $api_pid ]] && kill -0 "$api_pid" 2>/dev/null; then
    log "stopping the API"
    kill -TERM "$api_pid" 2>/dev/null || true
    wait "$api_pid" 2>/dev/null || true
  fi
  if [[ $started_pg == 1 ]]; then
    log "stopping PostgreSQL ($pg_dir)"
    scripts/pg-local.sh stop "$pg_dir" || true
  fi
}
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap cleanup EXIT

mkdir -p "$data"

# --- database -------------------------------------------------------------------------------
if [[ -n ${ConnectionStrings__Default:-} ]]; then
  log "using ConnectionStrings__Default from the environment"
  connection_string=$ConnectionStrings__Default
elif command -v docker >/dev/null && timeout 5 docker info >/dev/null 2>&1; then
  log "Docker engine found: starting the db service of docker-compose.yml"
  if docker compose version >/dev/null 2>&1; then compose=(docker compose); else compose=(docker-compose); fi
  "${compose[@]}" up -d db
  for _ in $(seq 1 60); do
    "${compose[@]}" exec -T db pg_isready -U postgres -d "$db_name" >/dev/null 2>&1 && break
    sleep 1
  done
  connection_string="Host=127.0.0.1;Port=${POSTGRES_PORT:-5432};Database=$db_name;Username=postgres;Password=${POSTGRES_PASSWORD:-postgres}"
else
  log "no Docker engine: using a local PostgreSQL cluster in .data/postgres on port $pg_port"
  scripts/pg-local.sh ensure-binaries >/dev/null
  if ! scripts/pg-local.sh status "$pg_dir" >/dev/null 2>&1; then
    started_pg=1
  fi
  scripts/pg-local.sh start "$pg_dir" "$pg_port"
  connection_string=$(scripts/pg-local.sh url "$pg_dir" "$pg_port" "$db_name")
fi

# --- keys ------------------------------------------------------------------------------------
# new_key FILE WHAT: the key kept in FILE, made first when FILE is empty.
new_key() {
  if [[ ! -s $1 ]]; then
    (umask 077 && echo "prt_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')" >"$1")
    log "generated a new $2 in ${1#"$root/"}"
  fi
  chmod 600 "$1"
  cat "$1"
}
admin_key=$(new_key "$data/admin-key" "operator key (Admin)")
org_admin_key=$(new_key "$data/org-admin-key" "OrganizationAdmin key of the demo organization")

# --- API ----------------------------------------------------------------------------------------
log "building the API (Release)"
dotnet build src/PrisonerReleaseTracker.Api -c Release -o "$data/api-bin" --nologo -v quiet -clp:NoSummary

ConnectionStrings__Default=$connection_string \
  Database__MigrateOnStartup=true \
  Demo__Seed=true \
  Demo__OrganizationAdminKey=$org_admin_key \
  Auth__BootstrapAdminKey=$admin_key \
  Auth__BootstrapOrganization=Administrators \
  Swagger__Enabled=true \
  ASPNETCORE_ENVIRONMENT=Development \
  ASPNETCORE_URLS="http://localhost:$port" \
  bash -c 'cd "$1" && exec dotnet PrisonerReleaseTracker.Api.dll' api "$data/api-bin" &
api_pid=$! # the app's folder is its content root, as in the container image

# Wait until the API accepts connections (or exits) before printing where it is.
for _ in $(seq 1 120); do
  kill -0 "$api_pid" 2>/dev/null || break
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  sleep 0.5
done

if kill -0 "$api_pid" 2>/dev/null; then
  cat <<EOF

  API         http://localhost:$port/api/v1
  Swagger UI  http://localhost:$port/swagger
  Admin key   $admin_key   (kept in .data/admin-key)
              the operators' key: manages every organization's keys, reads the audit log;
              writes no record, decides nothing, sees protected persons only as pseudonyms
  Org key     $org_admin_key   (kept in .data/org-admin-key)
              OrganizationAdmin of "Demo Human Rights Monitor", the demo's records: reads them in full,
              writes, decides, manages its own organization's keys

  Try:  curl "http://localhost:$port/api/v1/totals?from=2026-01-08"
        curl -H "X-Api-Key: $org_admin_key" "http://localhost:$port/api/v1/detainees?limit=5"
        curl -H "X-Api-Key: $admin_key" "http://localhost:$port/api/v1/api-keys"

  Ctrl+C stops the API$( [[ $started_pg == 1 ]] && echo " and the local PostgreSQL").

EOF
fi

# `wait` returns early when a trapped signal arrives, so Ctrl+C runs cleanup right away.
status=0
wait "$api_pid" || status=$?
api_pid=
log "the API exited with status $status"
exit "$status"
