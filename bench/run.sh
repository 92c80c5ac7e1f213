#!/usr/bin/env bash
# Benchmarks the API against the limits of what it stands on, in one run, and prints one line per row:
#   name  min  median  max  target  verdict      (the ratio of the paired rounds; bench/README.md says how)
#
#   bench/run.sh [--scale N] [--quick] [--rounds R] [--duration S] [--keep] [--fail-fast] [--only ROW[:R],ROW...]
#
#   --scale N     detainees in the main data set (2N releases); default 1,000,000 (--quick: 20,000)
#   --quick       small data, 3 rounds of about 2 s a side: a smoke test in under 10 minutes on 2 cores
#   --rounds R    rounds per side of each row, alternating (default 5, --quick 3; the import 3, memory-import 1)
#   --duration S  the seconds a round aims at (default 12, --quick 2): each side's requests per connection are
#                 fixed before its rounds from its warm-up, so that a round takes about S seconds
#   --keep        leave the PostgreSQL cluster and its databases in place (default: removed at the end)
#   --only ROWS   only these rows (comma-separated names, see `rows` below; run in the order declared there), and
#                 only the data they need; ROW:R gives that row R rounds a side
#   --fail-fast   stop at the first row that fails (default: the row is printed as failed, with its error kept in
#                 failed-ROW.txt, the next rows run, and the run exits non-zero at the end)
#
# Everything it starts is its own: a PostgreSQL cluster in $BENCH_WORK/pg (default .data/bench/pg, port
# BENCH_PG_PORT=5455), API processes on ports BENCH_PORT_BASE..+6 and +8, +9 (default 5590) and the bench's reference
# server on BENCH_PORT_BASE+7; all are stopped at the end. Needs the .NET SDK; as root it installs what else is missing
# (PostgreSQL with pgbench, nghttp2-client for h2load, jq, curl), otherwise it names the packages.
# Results: bench/results/<UTC time>/ (summary.txt, summary.md, rounds.txt, ratios.txt, captured SQL, every log).
set -euo pipefail

# ---- the rows ------------------------------------------------------------------------------------------------
# One line per comparison, run in this order. To add a row, add a line here (and, for a new kind of side, a
# side_<kind> function below); bench/README.md has the details.
#
#   row NAME KIND TARGET OURS LIMIT WHAT [ROUNDS]
#     KIND    share   ratio = ours / limit (rates), ok when the smallest ratio of the rounds is >= TARGET (TARGET -: reported, no verdict)
#             cost    ratio = limit / ours (rates): the cost of one of ours in units of the limit's; ok when the largest <= TARGET
#             excess  ratio = ours - limit (e.g. MB), ok when the largest <= TARGET
#     OURS, LIMIT  the two sides, each "KIND ARGS...", expanded when the row runs (single quotes: variables set up later):
#             http PORT PATHS KEY|- [prime]  h2load --h1, a fixed number of requests per connection over the paths in
#                                            $out/PATHS (one a line, shuffled the same way for both sides of a round);
#                                            prime: one request, waited for, before each round (a cache's entry)
#             calls PORT PATHS KEY|-         as http, the paths being the calls one page is made of: each connection makes
#                                            them one after the other, whole sets only; the rate is in sets (pages)
#             pgbench DB LABEL               pgbench -M prepared -t, the statements captured as LABEL (see capture)
#             import-api | import-copy       one import of $import_rows rows, through the API / binary COPY (rows/s)
#             memory-peak | memory-before    the API's peak resident set importing $memory_rows rows / its RSS before (MB)
#             list-api PORT                  a named list of $list_entries entries (the same each round) made, then timed: its
#                                            upload (JSON; COPY and matching) and its reconciliation read; entries/s
#             list-copy PORT DB              the same entries through binary COPY into list_entries of a list made through
#                                            PORT, no matching (entries/s)
#             decide PORT POOL               verification decisions POSTed through the API on PORT, a fixed number per
#                                            connection, each on a release of its own taken from $out/releases-POOL (the
#                                            bench tool's `decisions`); both decide sides of a row post as many (decisions/s)
#     WHAT    what the row compares, for the report
#     ROUNDS  this row's rounds a side, whatever --rounds says (the import: 3; memory-import: 1)
rows() {
  row totals-now    share  0.8 'http $p_main paths-now -'                'http $p_ref paths-ref-totals -' \
    'GET /totals as of now, cache off vs the reference server running the same SQL (raw Npgsql)'
  row totals-past   share  0.8 'http $p_main paths-past -'               'pgbench prt_main past' \
    'GET /totals as of a past moment, cache off vs pgbench running the SQL it sent'
  row totals-knownat-past share 0.8 'http $p_main paths-knownat-past -'  'pgbench prt_main knownat-past' \
    'GET /totals as of a past moment and known at a past moment (the replay of the field history), cache off vs pgbench running the SQL it sent'
  row totals-cost   cost   3   'http $p_main paths-now -'                'http $p_main paths-release $reader_main' \
    'GET /totals as of now vs GET /releases/{id}, both the API on the main data: cost of one in units of the other'
  row totals-cached share  0.8 'http $p_cached paths-now - prime'        'http $p_ref paths-const -' \
    'GET /totals as of now, cache on vs the same bytes from bare Kestrel (/const)'
  row release-by-id share  0.7 'http $p_main paths-release $reader_main' 'http $p_ref paths-ref-release $reader_main' \
    'GET /releases/{id}, Researcher key vs the reference server (raw Npgsql, key check, log line)'
  row import        share  0.5 'import-api'                              'import-copy' \
    'POST /imports of $import_rows CSV rows vs binary COPY of as many (rows/s)' 3
  row growth-totals cost   2   'http $p_main paths-now -'                'http $p_small paths-now -' \
    'GET /totals as of now at $((scale * 2)) vs $((small * 2)) releases'
  row growth-search cost   2   'http $p_main paths-search $reader_main'  'http $p_small paths-search $reader_small' \
    'GET /detainees?q= for a selective name (as many people match it at both scales) at $scale vs $small detainees'
  row growth-search-common cost - 'http $p_main paths-search-common $reader_main' 'http $p_small paths-search-common $reader_small' \
    'GET /detainees?q= for names of the generator'"'"'s pools, most matching ten times as many people at $scale as at $small detainees'
  row memory-import excess 200 'memory-peak'                             'memory-before' \
    'MB: peak RSS of the API importing $memory_rows rows into an empty database vs its RSS before' 1
  row page-cached   share  0.8 'http $p_cached paths-page - prime'       'http $p_ref paths-const-page -' \
    'GET / (the public page) as of now, cache on vs the same bytes and headers from bare Kestrel (/const-page)'
  row page-uncached share  0.8 'http $p_main paths-page -'               'calls $p_main paths-page-calls -' \
    'GET / (the public page) as of now, cache off vs the API calls it is made of, one after the other by each client (pages/s)'
  row list-reconcile share 0.3  'list-api $p_main'                       'list-copy $p_main prt_main' \
    'a $list_entries-entry list: POST /lists/{id}/entries (matched at upload) then GET /lists/{id}/reconciliation, vs binary COPY of the same entries into list_entries (entries/s)'
  row growth-list   cost   2   'list-api $p_main'                        'list-api $p_small' \
    'the same $list_entries-entry list uploaded and reconciled at $scale vs $small detainees'
  row webhook-latency share - 'webhook dispatched'                       'webhook raw' \
    'deliveries/s draining a backlog through the outbox to a loopback receiver vs raw POST/s of the same bodies from a plain HttpClient; p50/p99 commit-to-receiver in the detail' 3
  row verify-write  share  0.8 'decide $p_verify on'                     'decide $p_verify_off off' \
    'POST /releases/{id}/verifications (Verifier key of another organization) on a copy of the main data with the totals aggregates kept by their triggers vs on a copy with those triggers disabled (decisions/s)'
}

# ---- settings ------------------------------------------------------------------------------------------------
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench=$root/bench
work=${BENCH_WORK:-$root/.data/bench}
pg_dir=$work/pg
pg_port=${BENCH_PG_PORT:-5455}
port_base=${BENCH_PORT_BASE:-5590}
p_main=$port_base p_cached=$((port_base + 1)) p_import=$((port_base + 2)) p_small=$((port_base + 3))
p_memory=$((port_base + 4)) p_migrate=$((port_base + 5)) p_webhooks=$((port_base + 6)) p_ref=$((port_base + 7))
p_verify=$((port_base + 8)) p_verify_off=$((port_base + 9))
seed=42
scale=
quick=0
keep=0
fail_fast=0
only=
rounds=
duration=
connections=32
threads=2

while [[ $# -gt 0 ]]; do
  case $1 in
    --scale) scale=$2; shift 2 ;;
    --quick) quick=1; shift ;;
    --rounds) rounds=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --only) only=$2; shift 2 ;;
    --fail-fast) fail_fast=1; shift ;;
    -h|--help) sed -n '2,23s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

if [[ $quick == 1 ]]; then
  scale=${scale:-20000}; rounds=${rounds:-3}; duration=${duration:-2}; warm=2; size_cap=6; steady=0
  import_rows=5000; memory_rows=10000
else
  scale=${scale:-1000000}; rounds=${rounds:-5}; duration=${duration:-12}; warm=6; size_cap=48; steady=1
  # 100,000 rows imported and 1,000,000 for the memory at the full scale; a smaller --scale imports in proportion.
  import_rows=$((scale / 10 > 100000 ? 100000 : scale / 10 < 5000 ? 5000 : scale / 10)); memory_rows=$scale
fi
# Growth: the main data set (scale detainees, 2 x scale releases) against one a tenth of its size, for both totals
# and name search. Imports go in requests of at most 500,000 rows (the API takes bodies up to 200 MB).
small=$((scale / 10))
# Lists: one claimed list of 10,000 entries at every scale, naming people among the small data's (see ListData.cs).
list_entries=10000
import_chunk=500000
totals_from=2026-01-08
past_as_of=2026-01-23T23:59:59Z

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=$bench/results/$stamp
mkdir -p "$out" "$work"
exec > >(tee -a "$out/run.log") 2>&1
# An API key never reaches the log: a side's spec names its key, printed as prt_<redacted>.
log() { printf '%s run.sh: %s\n' "$(date -u +%H:%M:%S)" "$*" | sed -E 's/prt_[A-Za-z0-9_-]{32,}/prt_<redacted>/g'; }
die() { log "FAILED: $*"; exit 1; }
started=$(date +%s)
load_at_start=$(cut -d' ' -f1 /proc/loadavg)
# The commit measured: taken before the build, "+changes" when the working tree differs from it.
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')
if [[ -n $(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null) ]]; then commit="$commit+changes"; fi

# The rows selected (declared in `rows` above; --only picks some, ROW:R with R rounds a side). They run in the order
# declared whatever --only's order: some rows write into the data later ones read (the list rows add lists to the
# main data, and the public page shows the lists of its period: page-uncached measured after them measures their
# reconciliations too).
row_names=() row_kind=() row_target=() row_ours=() row_limit=() row_what=() row_rounds=()
declare -A only_rounds=() # NAME -> rounds given with --only NAME:R, or empty (assigned: under set -u, bash 5.2 calls a declared, never-assigned array unbound)
for wanted in ${only//,/ }; do
  only_rounds[${wanted%%:*}]=$([[ $wanted == *:* ]] && echo "${wanted#*:}" || true)
  [[ -z ${only_rounds[${wanted%%:*}]} || ${only_rounds[${wanted%%:*}]} =~ ^[1-9][0-9]*$ ]] || die "--only $wanted: the rounds after ':' must be a number"
done
row() {
  if [[ -n $only && -z ${only_rounds[$1]+set} ]]; then return; fi
  row_names+=("$1"); row_kind+=("$2"); row_target+=("$3"); row_ours+=("$4"); row_limit+=("$5"); row_what+=("$6")
  row_rounds+=("${only_rounds[$1]:-${7:-}}")
  unset "only_rounds[$1]"
}
rows
[[ ${#only_rounds[@]} -eq 0 ]] || die "--only: no row named ${!only_rounds[*]}"
[[ ${#row_names[@]} -gt 0 ]] || die "--only $only names no row"
selected() { local n; for n in "${row_names[@]}"; do [[ $n == "$1" ]] && return 0; done; return 1; }
uses_side() { # KIND: whether a selected row has a side of that kind
  local s; for s in "${row_ours[@]}" "${row_limit[@]}"; do [[ ${s%% *} == "$1" ]] && return 0; done; return 1
}
needs_small=0; selected growth-totals || selected growth-search || selected growth-search-common || selected growth-list && needs_small=1
needs_http=0; uses_side http || uses_side pgbench || uses_side calls || uses_side list-api || uses_side list-copy && needs_http=1

pids=()
started_pg=0
# shellcheck disable=SC2317  # invoked from the trap
cleanup() {
  trap - INT TERM EXIT
  local pid i
  # The processes started here, and those a row started in its subshell (listed in $out/pids).
  if [[ -f $out/pids ]]; then while read -r pid; do pids+=("$pid"); done <"$out/pids"; fi
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done # not a child of this shell
  done
  if [[ $started_pg == 1 ]]; then
    "$root/scripts/pg-local.sh" stop "$pg_dir" >/dev/null 2>&1 || true
    if [[ $keep == 0 ]]; then rm -rf "$pg_dir"; fi
  fi
}
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap cleanup EXIT

# ---- tools ---------------------------------------------------------------------------------------------------
apt_updated=0
install_packages() { # PACKAGE...: as root, from Debian; otherwise stops, naming them
  [[ $EUID -eq 0 ]] || die "missing: install the Debian package(s) $* (run.sh installs them when run as root)"
  if [[ $apt_updated == 0 ]]; then
    apt-get update >>"$out/apt.log" 2>&1 || { tail -20 "$out/apt.log"; die "apt-get update failed"; }
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >>"$out/apt.log" 2>&1 \
    || { tail -20 "$out/apt.log"; die "apt-get install $* failed"; }
}
need() { # COMMAND PACKAGE
  command -v "$1" >/dev/null && return 0
  log "$1 is missing: installing the Debian package $2"
  install_packages "$2"
  command -v "$1" >/dev/null || die "installed $2, but still no $1"
}
command -v dotnet >/dev/null || die "the .NET SDK is missing (dotnet): see README.md"
need curl curl
need jq jq
need h2load nghttp2-client
pg_bin=$("$root/scripts/pg-local.sh" ensure-binaries) || die "no PostgreSQL server binaries (scripts/pg-local.sh ensure-binaries)"
[[ -x $pg_bin/pgbench ]] || die "no pgbench beside the PostgreSQL binaries in $pg_bin"
for port in $pg_port $(seq "$port_base" $((port_base + 9))); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "port $port is in use: set BENCH_PORT_BASE (APIs, now $port_base..+9) or BENCH_PG_PORT (now $pg_port)"
  fi
done
psql_() { "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres "$@"; }
cs() { echo "Host=127.0.0.1;Port=$pg_port;Database=$1;Username=postgres;Maximum Pool Size=200"; }

# ---- build ---------------------------------------------------------------------------------------------------
log "building the API and the bench tool (Release)"
artifacts=$work/artifacts
dotnet build "$root/src/PrisonerReleaseTracker.Api" -c Release --artifacts-path "$artifacts" --nologo -v quiet -clp:NoSummary >"$out/build.log" 2>&1 \
  || { tail -30 "$out/build.log"; die "the API does not build"; }
dotnet build "$bench/PrisonerReleaseTracker.Bench" -c Release --artifacts-path "$artifacts" --nologo -v quiet -clp:NoSummary >>"$out/build.log" 2>&1 \
  || { tail -30 "$out/build.log"; die "the bench tool does not build"; }
api_dll=$artifacts/bin/PrisonerReleaseTracker.Api/release/PrisonerReleaseTracker.Api.dll
tool_dll=$artifacts/bin/PrisonerReleaseTracker.Bench/release/PrisonerReleaseTracker.Bench.dll
tool() { dotnet "$tool_dll" "$@"; }

# ---- PostgreSQL ----------------------------------------------------------------------------------------------
if "$root/scripts/pg-local.sh" status "$pg_dir" >/dev/null 2>&1; then
  die "a bench cluster is already running in $pg_dir: stop it first (scripts/pg-local.sh stop $pg_dir)"
fi
rm -rf "$pg_dir"
mem_mb=$(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo)
shared_mb=$((mem_mb / 6)); [[ $shared_mb -gt 4096 ]] && shared_mb=4096
log "starting PostgreSQL on port $pg_port (shared_buffers ${shared_mb}MB)"
started_pg=1
PG_LOCAL_OPTS="-c max_connections=400 -c shared_buffers=${shared_mb}MB -c effective_cache_size=$((mem_mb / 2))MB \
-c maintenance_work_mem=1GB -c max_wal_size=16GB -c checkpoint_timeout=30min -c random_page_cost=1.1 \
-c logging_collector=on -c log_destination=csvlog -c log_directory=log -c log_filename=postgresql \
-c log_rotation_age=0 -c log_rotation_size=0" \
  "$root/scripts/pg-local.sh" start "$pg_dir" "$pg_port" >"$out/pg-start.log" 2>&1 || { cat "$out/pg-start.log"; die "PostgreSQL did not start"; }
pg_log=$pg_dir/log/postgresql.csv

# The API as deployed: Production (its default log levels: one Information line per request), the rate limiter on
# with permits no run reaches (2e9 a minute), and a request timeout long enough that a slow answer is measured. The
# request budget (issue 17) likewise: its limit of concurrent anonymous computations (the cores, by default) and its
# short statement timeout would refuse what the rows measure, 32 anonymous connections at once and slow answers.
# The webhook dispatcher is off but in the webhook row's own process: its poll, once a second in every process, would
# otherwise land in the SQL captured from a totals request (which the reference server and pgbench then replay).
# The fold of the totals' aggregates (issue 18) is off for the same reason (every 30 s by default, it landed in a
# capture once): the rows that read totals write nothing, so there is nothing to fold while they run; the generator
# leaves the aggregates folded (rebuilt from the rows).
admin_key="prt_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
# shellcheck source=bench/api-settings.sh
source "$bench/api-settings.sh"
api_env=("${bench_api_settings[@]}" "Auth__BootstrapAdminKey=$admin_key" "Auth__BootstrapOrganization=Bench Administrators")

# launch_api NAME PORT DB [ENV=VALUE...]: starts an API process; wait_api NAME PORT: waits until it answers.
# It runs in its build folder, as deployed (and as ./run.sh runs it): that folder is its content root, where its
# appsettings.json (the production log levels) is read from.
launch_api() {
  local name=$1 port=$2 db=$3
  shift 3
  (cd "$(dirname "$api_dll")" && exec env -u DOTNET_ENVIRONMENT "${api_env[@]}" "$@" "ConnectionStrings__Default=$(cs "$db")" \
    "ASPNETCORE_URLS=http://127.0.0.1:$port" dotnet "$(basename "$api_dll")") >"$out/api-$name.log" 2>&1 &
  pids+=($!)
  echo $! >>"$out/pids" # a row runs in a subshell: its processes are stopped at the end through this list
  eval "pid_$name=$!"
}
wait_api() {
  local name=$1 port=$2 pid_var=pid_$1 i
  for i in $(seq 1 300); do
    if curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then return 0; fi
    kill -0 "${!pid_var}" 2>/dev/null || { tail -20 "$out/api-$name.log"; die "API $name exited"; }
    sleep 0.2
  done
  die "API $name did not answer on port $port"
}
start_api() { launch_api "$@"; wait_api "$1" "$2"; }
stop_api() {
  local var=pid_$1
  kill -TERM "${!var}" 2>/dev/null || true
  wait "${!var}" 2>/dev/null || true
}

# new_key PORT ROLE ORG: an API key made through the API with the bootstrap Admin key.
new_key() {
  local key
  key=$(curl -sS -f -H "X-Api-Key: $admin_key" -H 'content-type: application/json' \
    -d "{\"name\":\"bench $2\",\"organization\":\"$3\",\"role\":\"$2\"}" "http://127.0.0.1:$1/api/v1/api-keys" | jq -r .key)
  [[ $key == prt_* ]] || die "could not make a $2 key on port $1"
  echo "$key"
}

# ---- data ----------------------------------------------------------------------------------------------------
log "migrating a template database with the API's own start-up"
psql_ -d postgres -c "CREATE DATABASE prt_template"
start_api migrate $p_migrate prt_template Database__MigrateOnStartup=true
stop_api migrate

generate() { # DB SCALE
  psql_ -d postgres -c "CREATE DATABASE $1 TEMPLATE prt_template"
  log "generating $1: $2 detainees, $(($2 * 2)) releases"
  tool generate --conn "$(cs "$1")" --scale "$2" --seed "$seed" >>"$out/generate.log" 2>&1 || { tail -20 "$out/generate.log"; die "generate $1 failed"; }
  tail -n 4 "$out/generate.log"
}
generate prt_main "$scale"
if [[ $needs_small == 1 ]]; then generate prt_small "$small"; fi
if selected import; then
  log "copying prt_main for the import (it writes)"
  psql_ -d postgres -c "CREATE DATABASE prt_import TEMPLATE prt_main STRATEGY FILE_COPY"
fi
# verify-write: two copies of the main data, one keeping the totals aggregates (their triggers as migrated), one with
# those triggers disabled; every release of the main data in a random order, alternately into the two sides' pools
# ("id status"), so that no release is decided twice, in any round or on either side.
if selected verify-write; then
  log "copying prt_main twice for verify-write (it writes): with the aggregate triggers, and without"
  psql_ -d postgres -c "CREATE DATABASE prt_verify TEMPLATE prt_main STRATEGY FILE_COPY" \
    -c "CREATE DATABASE prt_verify_off TEMPLATE prt_main STRATEGY FILE_COPY"
  psql_ -d prt_verify_off -c "ALTER TABLE releases DISABLE TRIGGER releases_totals_insert, DISABLE TRIGGER releases_totals_update, DISABLE TRIGGER releases_totals_delete" \
    -c "ALTER TABLE verification_events DISABLE TRIGGER verification_events_totals_insert" \
    -c "ALTER TABLE claims DISABLE TRIGGER claims_totals_insert, DISABLE TRIGGER claims_totals_update"
  psql_ -d prt_main -Atc "SELECT id || ' ' || status FROM releases ORDER BY md5(id::text)" \
    | awk -v on="$out/releases-on" -v off="$out/releases-off" '{print > (NR % 2 ? on : off)}'
fi
psql_ -d prt_main -Atc "SELECT pg_size_pretty(pg_database_size('prt_main'))" | sed 's/^/prt_main size: /'

# ---- processes -----------------------------------------------------------------------------------------------
paths_check="totals paths: not checked (no row reads the main API)"
if [[ $needs_http == 1 ]]; then
  log "starting the APIs (Release, dotnet <dll>)"
  launch_api main $p_main prt_main                                   # cache off
  launch_api cached $p_cached prt_main Caching__Totals__Enabled=true   # cache on
  if [[ $needs_small == 1 ]]; then launch_api small $p_small prt_small; fi
  wait_api main $p_main; wait_api cached $p_cached
  if [[ $needs_small == 1 ]]; then wait_api small $p_small; reader_small=$(new_key $p_small Researcher "Bench Readers"); fi
  reader_main=$(new_key $p_main Researcher "Bench Readers")

  # Request paths, one a line (query strings URL-encoded).
  echo "/api/v1/totals?from=$totals_from" >"$out/paths-now"
  echo "/api/v1/totals?from=$totals_from&asOf=$past_as_of" >"$out/paths-past"
  # Known at a moment after the load: the replay reads every release, decision and version the load recorded.
  known_at_past=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  echo "/api/v1/totals?from=$totals_from&asOf=$past_as_of&knownAt=$known_at_past" >"$out/paths-knownat-past"
  echo "/const" >"$out/paths-const"
  echo "/totals" >"$out/paths-ref-totals"
  psql_ -d prt_main -Atc "SELECT '/api/v1/releases/' || id FROM releases ORDER BY random() LIMIT 2000" >"$out/paths-release"
  sed 's#^/api/v1/releases/#/releases/#' "$out/paths-release" >"$out/paths-ref-release"
  tool search-terms --scale "$small" --seed "$seed" --count 300 --out "$out/terms.txt"
  sed 's#^#/api/v1/detainees?q=#' "$out/terms.txt" >"$out/paths-search-common"
  if [[ $needs_small == 1 ]]; then
    # The target of growth-search is for a selective name: the terms that match as many people at both scales (most of
    # the pools' names match ten times as many people in ten times the data; growth-search-common reports those).
    while read -r term; do printf '%b\n' "${term//%/\\x}"; done <"$out/terms.txt" >"$out/terms-decoded.txt"
    match_counts() { psql_ -d "$1" -At -v terms="$(cat "$out/terms-decoded.txt")" <<<"SELECT (SELECT count(*) FROM detainees WHERE search_words @@ prt_name_query(t)) FROM unnest(string_to_array(:'terms', E'\n')) WITH ORDINALITY AS u(t, n) ORDER BY n"; }
    paste -d' ' <(match_counts prt_main) <(match_counts prt_small) "$out/terms.txt" \
      | awk '$1 == $2 && $1 > 0 {print "/api/v1/detainees?q=" $3}' >"$out/paths-search"
    log "selective names for growth-search: $(wc -l <"$out/paths-search") of $(wc -l <"$out/terms.txt") terms match as many people at both scales"
    [[ $(wc -l <"$out/paths-search") -ge 5 ]] || die "fewer than 5 selective names among the search terms"
  else
    cp "$out/paths-search-common" "$out/paths-search"
  fi
  # The public page as of now, and the API calls it is made of: one totals answer per breakdown it shows and the
  # timeline (by week: the period is longer than three months).
  echo "/?from=$totals_from&lang=en" >"$out/paths-page"
  echo "/const-page" >"$out/paths-const-page"
  for by in nationality facility chargesDropped releaseKind; do echo "/api/v1/totals?from=$totals_from&groupBy=$by"; done >"$out/paths-page-calls"
  echo "/api/v1/totals/timeline?from=$totals_from&interval=week" >>"$out/paths-page-calls"

  # capture LABEL PATH: the SQL one request to the main API sends, from PostgreSQL's log, as a pgbench script
  # ($out/captured-LABEL.sql, its variables in .defs) and the answer's bytes (captured-LABEL-response.json).
  capture() {
    local label=$1 path=$2 offset
    curl -sS -f -o /dev/null "http://127.0.0.1:$p_main$path" || die "GET $path failed"
    psql_ -d postgres -c "ALTER SYSTEM SET log_statement = 'all'" -c "SELECT pg_reload_conf()" >/dev/null
    sleep 1
    offset=$(stat -c %s "$pg_log")
    curl -sS -f -o "$out/captured-$label-response.json" "http://127.0.0.1:$p_main$path" || die "GET $path failed"
    sleep 1
    psql_ -d postgres -c "ALTER SYSTEM RESET log_statement" -c "SELECT pg_reload_conf()" >/dev/null
    sleep 1
    tail -c +$((offset + 1)) "$pg_log" >"$out/captured-$label.csv"
    tool pgbench-script --log "$out/captured-$label.csv" --db prt_main --out "$out/captured-$label.sql" >"$out/captured-$label.defs" \
      || die "no statement captured for $label"
    log "captured $(grep -c '^-- statement' "$out/captured-$label.sql") statements for $label"
  }
  capture now "/api/v1/totals?from=$totals_from"
  capture past "/api/v1/totals?from=$totals_from&asOf=$past_as_of"
  capture knownat-past "$(cat "$out/paths-knownat-past")"

  # The three paths of a totals answer (aggregates as of now, history as of a moment, replay known at it) must agree on
  # this data (PathsCheck). A disagreement is a wrong number, which no ratio makes up for: the rows still run, and the
  # run fails at its end.
  log "checking that the totals' three paths agree on prt_main"
  if tool check-paths --api "http://127.0.0.1:$p_main" --key "$reader_main" --group-by chargesDropped,nationality \
      --periods "$totals_from..,2024-07-01..2024-07-31,2018-12-01..2018-12-31" >"$out/paths-agree.txt" 2>&1; then
    paths_check=$(tail -n 1 "$out/paths-agree.txt")
  else
    paths_check="FAILED: $(tail -n 1 "$out/paths-agree.txt") (every answer compared: paths-agree.txt)"
  fi
  log "$paths_check"

  curl -sS -f "http://127.0.0.1:$p_cached/api/v1/totals?from=$totals_from" -o "$out/totals-cached-body.json" || die "the cached API does not answer"
  curl -sS -f -D "$out/page-cached-headers.txt" -o "$out/page-cached-body.html" "http://127.0.0.1:$p_cached$(head -n 1 "$out/paths-page")" \
    || die "the cached API does not serve the page"
  dotnet "$tool_dll" serve --conn "$(cs prt_main)" --urls "http://127.0.0.1:$p_ref" --const-body "$out/totals-cached-body.json" \
    --totals-sql "$out/captured-now.sql" --totals-defs "$out/captured-now.defs" --totals-body "$out/captured-now-response.json" \
    --page-body "$out/page-cached-body.html" --page-headers "$out/page-cached-headers.txt" \
    >"$out/reference.log" 2>&1 &
  pids+=($!)
  pid_ref=$!
  for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$p_ref/const" && break; sleep 0.2; done
  kill -0 $pid_ref 2>/dev/null || { cat "$out/reference.log"; die "the reference server exited"; }
  curl -sS -f -o /dev/null "http://127.0.0.1:$p_ref/totals" || { tail -30 "$out/reference.log"; die "the reference server's /totals fails"; }
fi

# verify-write's APIs, one on each copy, and a Verifier key of an organization that reported none of the releases.
declare -A verifier_keys # PORT -> key
if uses_side decide; then
  launch_api verify $p_verify prt_verify
  launch_api verify_off $p_verify_off prt_verify_off
  wait_api verify $p_verify; wait_api verify_off $p_verify_off
  verifier_keys[$p_verify]=$(new_key $p_verify Verifier "Bench Verifiers")
  verifier_keys[$p_verify_off]=$(new_key $p_verify_off Verifier "Bench Verifiers")
fi

# ---- sides ---------------------------------------------------------------------------------------------------
# A side is called as `side_KIND MODE SPEC ARGS...`:
#   MODE size   warm it up and fix its work per round (once per SPEC: sides shared by rows are sized once);
#   MODE round  measure one round (the round's number in $round); set SIDE_RATE (the figure the ratio takes) and
#               SIDE_DETAIL (a few words for rounds.txt). Failing, it calls die with the tool's own error printed first:
#               that ends its row (which is then printed as failed), and the run goes on to the next row.
declare -A per_connection # SPEC -> requests (transactions) per connection in a round

# shuffled FILE SEED: the lines of FILE in an order fixed by SEED (both sides of a round get the same order).
shuffled() { awk -v s="$2" 'BEGIN {srand(s)} {printf "%.9f\t%s\n", rand(), $0}' "$1" | sort -k1,1 | cut -f2-; }

# h2load_run LABEL K PORT PATHS KEY SEED: K requests per connection, all answered; sets RUN_RATE, RUN_SECONDS, RUN_P50/P99 (ms).
h2load_run() {
  local label=$1 k=$2 port=$3 paths=$4 key=$5 seed=$6 n uris=$out/uris-$1 lat=$out/latency-$1 res=$out/h2load-last.txt
  local args total done ok2xx header=()
  n=$((k * connections))
  shuffled "$out/$paths" "$seed" | sed "s#^#http://127.0.0.1:$port#" >"$uris"
  if [[ $key != - ]]; then header=(-H "X-Api-Key: $key"); fi
  args=(--h1 -n "$n" -c "$connections" -t "$threads" -i "$uris" --log-file "$lat" "${header[@]}")
  rm -f "$lat" # h2load appends to its log
  h2load "${args[@]}" >"$res" 2>&1 || { cat "$res"; die "h2load failed ($label)"; }
  grep -v '^progress' "$res" >>"$out/h2load-$label.log"
  read -r total done ok2xx < <(awk '/^requests:/ {t = $2; d = $6} /^status codes:/ {s = $3} END {print t + 0, d + 0, s + 0}' "$res")
  if [[ $done != "$n" || $ok2xx != "$n" ]]; then
    grep -v '^progress' "$res"
    echo "answers by status (-1 = no answer):"; awk '{print $2}' "$lat" | sort | uniq -c
    echo "one request, with its answer:"
    curl -sS -i "${header[@]}" "$(head -n 1 "$uris")" 2>&1 | head -c 800; echo
    die "$label: $done of $n requests answered, $ok2xx with 2xx"
  fi
  # Each connection's first request is its warm-up and is not counted (on the pgbench side too: a new backend loads
  # its caches and plans its statements on its first transaction, while the API's pooled connections are warm). The
  # first requests are the first $connections to start (h2load starts every connection at once). Counted: the others,
  # from the first one's start to the last answer.
  sort -n -k1,1 "$lat" | awk -v c="$connections" 'NR > c' >"$lat.counted"
  rate_of_counted "$lat.counted"
}
# rate_of_counted FILE: the requests of FILE (h2load's log format: start in us, status, latency in us), from the first
# one's start to the last answer; sets RUN_RATE, RUN_SECONDS, RUN_P50/P99 (ms).
rate_of_counted() {
  read -r RUN_SECONDS RUN_RATE < <(awk '{s = $1; e = $1 + $3; if (NR == 1 || s < a) a = s; if (NR == 1 || e > b) b = e}
    END {t = (b - a) / 1e6; printf "%.3f %.3f\n", t, NR / t}' "$1")
  read -r RUN_P50 RUN_P99 < <(awk '{print $3 / 1000}' "$1" | sort -g | awk '{v[NR] = $1}
    END {printf "%.2f %.2f\n", v[int(NR * 0.5 + 0.5)], v[int(NR * 0.99 + 0.5)]}')
}

# pgbench_run LABEL K DB SCRIPT-LABEL: K transactions per connection, all committed; sets RUN_RATE (tps), RUN_SECONDS.
# Counted as h2load_run counts: each connection's first transaction is not, the others from the first one's start to
# the last one's end (pgbench's per-transaction log, -l: client, number, latency in us, end time in s and us).
pgbench_run() {
  local label=$1 k=$2 db=$3 script=$out/captured-$4.sql defs=$out/captured-$4.defs res=$out/pgbench-last.txt d args=()
  while IFS= read -r d; do args+=(-D "$d"); done <"$defs"
  rm -f "$out"/pgbench-tx.*
  "$pg_bin/pgbench" -n -M prepared -c "$connections" -j "$threads" -t "$k" -f "$script" "${args[@]}" -l --log-prefix="$out/pgbench-tx" \
    -h 127.0.0.1 -p "$pg_port" -U postgres "$db" >"$res" 2>&1 || { cat "$res"; die "pgbench failed ($label)"; }
  cat "$res" >>"$out/pgbench-$label.log"
  local processed failed counted
  processed=$(awk -F': ' '/^number of transactions actually processed/ {print $2}' "$res")
  failed=$(awk '/^number of failed transactions/ {print $5}' "$res")
  if [[ $processed != "$((k * connections))/$((k * connections))" || ${failed:-0} != 0 ]]; then
    cat "$res"; die "$label: pgbench processed $processed transactions, $failed failed"
  fi
  read -r counted RUN_SECONDS RUN_RATE < <(cat "$out"/pgbench-tx.* | awk '
    {c[NR] = $1; x[NR] = $2; e[NR] = $5 + $6 / 1e6; l[NR] = $3 / 1e6; if (!($1 in first) || $2 < first[$1]) first[$1] = $2}
    END {for (i = 1; i <= NR; i++) if (x[i] != first[c[i]]) {s = e[i] - l[i]; if (n == 0 || s < a) a = s; if (n == 0 || e[i] > b) b = e[i]; n++}
      t = b - a; printf "%d %.3f %.3f\n", n, t, (t > 0 ? n / t : 0)}')
  [[ $counted == $(((k - 1) * connections)) ]] || { cat "$res"; die "$label: pgbench logged $counted counted transactions, not $(((k - 1) * connections))"; }
  rm -f "$out"/pgbench-tx.*
}

# size_by_count SPEC RUNNER ARGS...: warms the side up and fixes its count per connection, so that a round lasts about
# $duration seconds. Runs of K per connection (K from 2: the first of each connection is not counted), K growing until
# a run lasts 0.4 x $duration, $warm seconds have passed and there were two runs at least (a cold process answers
# slowly at first: the first run never decides), and (not with --quick) until two runs in a row agree on the rate
# within 25%; at most $size_cap seconds in all (then the last run decides). A side sized before (shared by rows) is warmed again with one run of a third of its count: it may have
# been idle for minutes.
size_by_count() {
  local spec=$1 runner=$2 k=2 spent=0 previous=0 runs=0
  shift 2
  if [[ -n ${per_connection[$spec]:-} ]]; then
    "$runner" $((per_connection[$spec] / 3 < 2 ? 2 : per_connection[$spec] / 3)) "$@"
    return 0
  fi
  while :; do
    "$runner" "$k" "$@"
    runs=$((runs + 1))
    spent=$(awk -v a="$spent" -v b="$RUN_SECONDS" 'BEGIN {print a + b}')
    if awk -v t="$RUN_SECONDS" -v d="$duration" 'BEGIN {exit !(t >= 0.4 * d)}'; then
      awk -v s="$spent" -v w="$warm" -v c="$size_cap" -v r="$RUN_RATE" -v p="$previous" -v steady="$steady" -v runs="$runs" \
        'BEGIN {exit !((s >= w && runs >= 2 && (!steady || (r < 1.25 * p && p < 1.25 * r))) || s >= c)}' && break
      k=$(awk -v k="$k" -v t="$RUN_SECONDS" -v d="$duration" 'BEGIN {n = (k - 1) * d / t + 1; printf "%d\n", (n < 2 ? 2 : n + 0.5)}')
    else
      k=$(awk -v k="$k" -v t="$RUN_SECONDS" -v d="$duration" 'BEGIN {f = 0.5 * d / (t > 0 ? t : 0.001); if (f < 2) f = 2; if (f > 20) f = 20; printf "%d\n", k * f + 0.5}')
    fi
    previous=$RUN_RATE
  done
  per_connection[$spec]=$(awk -v k="$k" -v t="$RUN_SECONDS" -v d="$duration" 'BEGIN {n = (k - 1) * d / t + 1; printf "%d\n", (n < 2 ? 2 : n + 0.5)}')
  log "  sized $spec: ${per_connection[$spec]} per connection ($RUN_RATE/s warm, ${spent}s counted)"
}

side_http() { # MODE SPEC PORT PATHS KEY [prime]
  local mode=$1 spec=$2 port=$3 paths=$4 key=$5 prime=${6:-} label
  label=$(tr -c 'A-Za-z0-9_.-' '_' <<<"http-$port-$paths")
  label=${label%_}
  run_http() { h2load_run "$label" "$1" "$port" "$paths" "$key" "${round:-0}"; }
  if [[ $prime == prime ]]; then
    # A cache's entry may have expired (Caching:Totals:Seconds): one request, waited for, before the round; otherwise 32
    # concurrent misses each compute the answer and a short round measures the misses. Long = the cache was cold.
    local header=() took
    if [[ $key != - ]]; then header=(-H "X-Api-Key: $key"); fi
    took=$(curl -sS -f -o /dev/null -w '%{time_total}' "${header[@]}" "http://127.0.0.1:$port$(head -n 1 "$out/$paths")") || die "priming port $port failed"
    log "  primed port $port in $took s"
  fi
  case $mode in
    size) size_by_count "$spec" run_http ;;
    round)
      run_http "${per_connection[$spec]}"
      SIDE_RATE=$RUN_RATE
      SIDE_DETAIL="$(((per_connection[$spec] - 1) * connections)) requests counted in ${RUN_SECONDS}s, p50 ${RUN_P50} ms, p99 ${RUN_P99} ms"
      ;;
  esac
}

side_calls() { # MODE SPEC PORT PATHS KEY: the calls one page is made of, each connection making them in turn; rate in sets
  local mode=$1 spec=$2 port=$3 paths=$4 key=$5 calls
  calls=$(wc -l <"$out/$paths")
  case $mode in
    size)
      side_http size "$spec" "$port" "$paths" "$key"
      # Whole sets only: the first request of a connection is its warm-up, the counted ones are a multiple of the set.
      per_connection[$spec]=$((1 + calls * ((per_connection[$spec] - 1 + calls - 1) / calls)))
      ;;
    round)
      side_http round "$spec" "$port" "$paths" "$key"
      SIDE_RATE=$(awk -v r="$SIDE_RATE" -v c="$calls" 'BEGIN {printf "%.3f\n", r / c}')
      SIDE_DETAIL="$SIDE_DETAIL; $calls calls a page"
      ;;
  esac
}

side_pgbench() { # MODE SPEC DB SCRIPT-LABEL
  local mode=$1 spec=$2 db=$3 script=$4
  run_pgbench() { pgbench_run "$script" "$1" "$db" "$script"; }
  case $mode in
    size) size_by_count "$spec" run_pgbench ;;
    round)
      run_pgbench "${per_connection[$spec]}"
      SIDE_RATE=$RUN_RATE
      SIDE_DETAIL="$(((per_connection[$spec] - 1) * connections)) transactions counted in ${RUN_SECONDS}s"
      ;;
  esac
}

# post_import FILE ROWS PORT KEY: one import through the API, waited for (following a 202's Location); sets IMPORT_RATE.
post_import() {
  local file=$1 rows=$2 port=$3 key=$4 t0 t1 code location state
  t0=$(date +%s.%N)
  code=$(curl -sS -D "$out/import-headers.txt" -o "$out/import-response.json" -w '%{http_code}' -X POST \
    -H "X-Api-Key: $key" -H 'Content-Type: text/csv' --data-binary @"$file" "http://127.0.0.1:$port/api/v1/imports") \
    || die "POST /api/v1/imports: curl failed"
  if [[ $code == 202 ]]; then
    location=$(awk 'tolower($1) == "location:" {print $2}' "$out/import-headers.txt" | tr -d '\r')
    while :; do
      state=$(curl -sS -H "X-Api-Key: $key" "http://127.0.0.1:$port${location#http://127.0.0.1:$port}" | tee "$out/import-response.json" | jq -r '.status // .state // empty')
      [[ $state =~ ^(Running|Pending|Queued|running|pending|queued)$ ]] || break
      sleep 0.2
    done
    [[ $state =~ ^(Failed|failed)$ ]] && { head -c 800 "$out/import-response.json"; echo; die "the import failed"; }
  elif [[ ! $code =~ ^20[01]$ ]]; then
    head -c 800 "$out/import-response.json"; echo
    die "POST /api/v1/imports answered HTTP $code"
  fi
  t1=$(date +%s.%N)
  IMPORT_RATE=$(awk -v n="$rows" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f\n", n / (b - a)}')
}
import_file() { # NAME ROWS OFFSET: writes $out/import-NAME.csv (rows of people no other file has)
  tool import-csv --rows "$2" --offset "$3" --seed "$seed" --out "$out/import-$1.csv" || die "import-csv failed"
}

# The import: API rounds and COPY rounds alternate on one copy of the main data; every round imports other people.
side_import-api() { # MODE SPEC
  case $1 in
    size)
      start_api import $p_import prt_import
      contributor=$(new_key $p_import Contributor "Bench Importer")
      import_file warm 2000 5000000
      post_import "$out/import-warm.csv" 2000 $p_import "$contributor" # JIT and the import's code paths
      ;;
    round)
      import_file "api-$round" "$import_rows" $(((2 * round) * import_rows))
      post_import "$out/import-api-$round.csv" "$import_rows" $p_import "$contributor"
      rm -f "$out/import-api-$round.csv"
      SIDE_RATE=$IMPORT_RATE SIDE_DETAIL="$import_rows rows at $IMPORT_RATE rows/s"
      ;;
  esac
}
copy_import() { # NAME: binary COPY of $out/import-NAME.csv into prt_import, after an in-process warm-up rolled back
  tool import-copy --conn "$(cs prt_import)" --csv "$out/import-$1.csv" --warm-csv "$out/import-warm.csv" >"$out/import-copy-last.txt" 2>&1 \
    || { cat "$out/import-copy-last.txt"; die "import-copy failed"; }
  COPY_RATE=$(awk 'NF == 3 {v = $3} END {print v}' "$out/import-copy-last.txt")
  [[ -n $COPY_RATE ]] || { cat "$out/import-copy-last.txt"; die "import-copy printed no rate"; }
}
side_import-copy() { # MODE SPEC
  case $1 in
    size) # one unmeasured round: PostgreSQL's caches and the tables' new pages warm, as the API's side after its warm-up
      [[ -f $out/import-warm.csv ]] || import_file warm 2000 5000000
      import_file copy-warm "$import_rows" $((2 * (rounds + 5) * import_rows))
      copy_import copy-warm
      rm -f "$out/import-copy-warm.csv"
      log "  import-copy warm-up round: $COPY_RATE rows/s"
      ;;
    round)
      import_file "copy-$round" "$import_rows" $(((2 * round + 1) * import_rows))
      copy_import "copy-$round"
      rm -f "$out/import-copy-$round.csv"
      SIDE_RATE=$COPY_RATE SIDE_DETAIL="$import_rows rows at $COPY_RATE rows/s"
      ;;
  esac
}

# Memory: a fresh API process on an empty copy of the schema. The API streams the body and works set-based in
# PostgreSQL, so its memory does not depend on the size of the database, while the import's time does.
side_memory-peak() { # MODE SPEC
  case $1 in
    size)
      psql_ -d postgres -c "CREATE DATABASE prt_memory TEMPLATE prt_template"
      start_api memory $p_memory prt_memory
      memory_key=$(new_key $p_memory Contributor "Bench Importer")
      [[ -f $out/import-warm.csv ]] || import_file warm 2000 5000000
      post_import "$out/import-warm.csv" 2000 $p_memory "$memory_key"
      ;;
    round)
      local done_rows chunk
      rss_before=$(awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$pid_memory/status")
      echo 5 >"/proc/$pid_memory/clear_refs" # resets VmHWM, the peak resident set, to the current one
      for ((done_rows = 0; done_rows < memory_rows; done_rows += import_chunk)); do
        chunk=$((memory_rows - done_rows < import_chunk ? memory_rows - done_rows : import_chunk))
        import_file memory "$chunk" $((100 * import_rows + (round * memory_rows) + done_rows))
        post_import "$out/import-memory.csv" "$chunk" $p_memory "$memory_key"
        log "  memory-import: $chunk rows at $IMPORT_RATE rows/s; peak so far $(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$pid_memory/status") MB"
      done
      rm -f "$out/import-memory.csv"
      SIDE_RATE=$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$pid_memory/status")
      SIDE_DETAIL="peak RSS ${SIDE_RATE} MB importing $memory_rows rows"
      ;;
  esac
}
side_webhook() { # MODE SPEC dispatched|raw: both figures come from one run of the bench's webhook-latency command per
  # round (dispatched and raw back to back in one process, against the same receiver); whichever side a round runs first
  # runs it.
  local mode=$1 what=$3 line
  case $mode in
    size)
      if [[ -z ${pid_webhooks:-} ]]; then
        psql_ -d postgres -c "CREATE DATABASE prt_webhooks TEMPLATE prt_template"
        start_api webhooks $p_webhooks prt_webhooks Webhooks__Dispatch=true Webhooks__AllowedHttpHosts=127.0.0.1 Webhooks__Timeout=00:01:00
      fi
      ;;
    round)
      if [[ ${webhook_round:-} != "$round" ]]; then
        local sizes=(--writes 200 --fanout 10 --burst 200 --raw 20000)
        [[ $quick == 1 ]] && sizes=(--writes 50 --fanout 5 --burst 100 --raw 5000)
        line=$(tool webhook-latency --api "http://127.0.0.1:$p_webhooks" --admin-key "$admin_key" "${sizes[@]}" 2>>"$out/webhook.log" \
          | tee -a "$out/webhook.log" | grep '^RESULT') || { tail -20 "$out/webhook.log"; die "webhook-latency failed"; }
        webhook_round=$round
        webhook_dispatched=$(sed -E 's/.* dispatched=([0-9.]+).*/\1/' <<<"$line")
        webhook_raw=$(sed -E 's/.* raw=([0-9.]+).*/\1/' <<<"$line")
        webhook_latency=$(sed -E 's/.* p50=([0-9.]+) p99=([0-9.]+).*/p50 \1 ms, p99 \2 ms commit to receiver/' <<<"$line")
      fi
      if [[ $what == dispatched ]]; then SIDE_RATE=$webhook_dispatched SIDE_DETAIL="deliveries/s; $webhook_latency"
      else SIDE_RATE=$webhook_raw SIDE_DETAIL="raw POST/s"; fi
      ;;
  esac
}

# Lists: every round makes a list of its own (a list takes its entries once) through the API, untimed, with a
# Contributor key of the lists' organization on that port; then times what the side measures.
declare -A list_keys # PORT -> Contributor key
new_list() { # PORT: makes a list; sets LIST_ID
  local port=$1 body
  [[ -n ${list_keys[$port]:-} ]] || list_keys[$port]=$(new_key "$port" Contributor "Bench Listers")
  body='{"title":"Bench list","claimant":"Bench claimant","claimantKind":"Government","statedAt":"2026-01-24T12:00:00Z",'
  body+='"period":{"from":"2026-01-08","to":"2026-01-24"},"metric":"Releases","sourceIds":[]}'
  LIST_ID=$(curl -sS -H "X-Api-Key: ${list_keys[$port]}" -H 'Content-Type: application/json' -d "$body" \
    -o "$out/list-created.json" -w '%{http_code}' "http://127.0.0.1:$port/api/v1/lists") || die "POST /api/v1/lists: curl failed"
  [[ $LIST_ID == 201 ]] || { head -c 800 "$out/list-created.json"; echo; die "POST /api/v1/lists answered HTTP $LIST_ID"; }
  LIST_ID=$(jq -r .id "$out/list-created.json")
}
list_file() { # the list every list side uses, written once
  [[ -f $out/list-entries.csv ]] || tool list-csv --entries "$list_entries" --people "$small" --seed "$seed" --out "$out/list-entries.csv" \
    --json "$out/list-entries.json" || die "list-csv failed"
}
# upload_list PORT: a new list, then its entries uploaded and its reconciliation read, both timed; sets LIST_RATE, LIST_DETAIL.
# The entries go as JSON, as when the rows were first measured (a CSV body with non-ASCII names was then refused at
# random as "not valid UTF-8": Utf8CheckedStream counted each read without keeping the decoder's state; fixed since).
upload_list() {
  local port=$1 t0 t1 t2 code
  new_list "$port"
  t0=$(date +%s.%N)
  code=$(curl -sS -o "$out/list-upload-response.json" -w '%{http_code}' -X POST -H "X-Api-Key: ${list_keys[$port]}" \
    -H 'Content-Type: application/json' --data-binary @"$out/list-entries.json" "http://127.0.0.1:$port/api/v1/lists/$LIST_ID/entries") \
    || die "POST /api/v1/lists/{id}/entries: curl failed"
  [[ $code == 200 ]] || { head -c 800 "$out/list-upload-response.json"; echo; die "POST /api/v1/lists/{id}/entries answered HTTP $code"; }
  t1=$(date +%s.%N)
  code=$(curl -sS -o "$out/list-reconciliation-$port.json" -w '%{http_code}' "http://127.0.0.1:$port/api/v1/lists/$LIST_ID/reconciliation") \
    || die "GET /api/v1/lists/{id}/reconciliation: curl failed"
  [[ $code == 200 ]] || { head -c 800 "$out/list-reconciliation-$port.json"; echo; die "GET /api/v1/lists/{id}/reconciliation answered HTTP $code"; }
  t2=$(date +%s.%N)
  LIST_RATE=$(awk -v n="$list_entries" -v a="$t0" -v b="$t2" 'BEGIN {printf "%.1f\n", n / (b - a)}')
  LIST_DETAIL=$(awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN {printf "upload %.3fs, reconciliation %.3fs", b - a, c - b}')
}
side_list-api() { # MODE SPEC PORT
  local mode=$1 port=$3
  case $mode in
    size) # one unmeasured list: JIT, the matching statement's plan and the tables' pages warm
      list_file
      upload_list "$port"
      log "  list-api warm-up on port $port: $LIST_RATE entries/s ($LIST_DETAIL); outcomes $(jq -c '.outcomes' "$out/list-reconciliation-$port.json")"
      ;;
    round)
      upload_list "$port"
      SIDE_RATE=$LIST_RATE SIDE_DETAIL="$list_entries entries at $LIST_RATE entries/s ($LIST_DETAIL)"
      ;;
  esac
}
copy_list() { # PORT DB: a new list (through the API), its entries by binary COPY after an in-process warm-up rolled back
  new_list "$1"
  tool list-copy --conn "$(cs "$2")" --list-id "$LIST_ID" --csv "$out/list-entries.csv" --warm-csv "$out/list-entries.csv" \
    >"$out/list-copy-last.txt" 2>&1 || { cat "$out/list-copy-last.txt"; die "list-copy failed"; }
  COPY_RATE=$(awk 'NF == 3 {v = $3} END {print v}' "$out/list-copy-last.txt")
  [[ -n $COPY_RATE ]] || { cat "$out/list-copy-last.txt"; die "list-copy printed no rate"; }
}
side_list-copy() { # MODE SPEC PORT DB
  local mode=$1 port=$3 db=$4
  case $mode in
    size)
      list_file
      copy_list "$port" "$db"
      log "  list-copy warm-up round: $COPY_RATE entries/s"
      ;;
    round)
      copy_list "$port" "$db"
      SIDE_RATE=$COPY_RATE SIDE_DETAIL="$list_entries entries at $COPY_RATE entries/s"
      ;;
  esac
}

# verify-write: decisions through the API (the bench tool's `decisions`, h2load's counting: each connection's first
# decision is its warm-up), each run on the next releases of the side's pool. Both sides post as many decisions: the
# first side sized fixes K for both (a decide side shares the count), the other is warmed with runs of that K for as
# long as the first side's warm-up lasted at least ($warm s).
declare -A decided # POOL -> releases of its pool taken so far
decide_run() { # K PORT POOL: K decisions per connection; sets RUN_RATE, RUN_SECONDS, RUN_P50/P99
  local k=$1 port=$2 pool=$3 lat=$out/latency-decide-$3 res=$out/decisions-last.txt
  tool decisions --api "http://127.0.0.1:$port" --key "${verifier_keys[$port]}" --releases "$out/releases-$pool" \
    --from "${decided[$pool]:-0}" --connections "$connections" --per-connection "$k" --log "$lat" >"$res" 2>&1 \
    || { cat "$res"; die "decisions on port $port failed (pool $pool, from release ${decided[$pool]:-0})"; }
  decided[$pool]=$((${decided[$pool]:-0} + k * connections))
  # The log holds each connection's decisions in turn: its first is the warm-up.
  awk -v k="$k" '(NR - 1) % k != 0' "$lat" >"$lat.counted"
  rate_of_counted "$lat.counted"
}
side_decide() { # MODE SPEC PORT POOL
  local mode=$1 port=$3 pool=$4 spent=0
  run_decide() { decide_run "$1" "$port" "$pool"; }
  case $mode in
    size)
      if [[ -z ${per_connection[decide]:-} ]]; then size_by_count decide run_decide; return 0; fi
      while awk -v s="$spent" -v w="$warm" 'BEGIN {exit !(s < w)}'; do
        run_decide "${per_connection[decide]}"
        spent=$(awk -v a="$spent" -v b="$RUN_SECONDS" 'BEGIN {print a + b}')
      done
      log "  warmed $2: ${per_connection[decide]} per connection ($RUN_RATE/s warm, ${spent}s counted)"
      ;;
    round)
      run_decide "${per_connection[decide]}"
      SIDE_RATE=$RUN_RATE
      SIDE_DETAIL="$(((per_connection[decide] - 1) * connections)) decisions counted in ${RUN_SECONDS}s, p50 ${RUN_P50} ms, p99 ${RUN_P99} ms"
      ;;
  esac
}

side_memory-before() { # MODE SPEC: the RSS memory-peak read before its import (run it first in the row)
  [[ $1 == round ]] || return 0
  SIDE_RATE=$rss_before SIDE_DETAIL="RSS before ${rss_before} MB"
}

# run_side MODE SPEC: expands SPEC (its variables now set) and calls side_KIND.
run_side() {
  local mode=$1 spec kind
  spec=$(eval "echo \"$2\"")
  # shellcheck disable=SC2086  # a side's words
  set -- $spec
  kind=$1
  shift
  declare -F "side_$kind" >/dev/null || die "no side kind '$kind' (define side_$kind in run.sh)"
  "side_$kind" "$mode" "$spec" "$@"
}

# ---- the rounds ----------------------------------------------------------------------------------------------
# Per row: both sides sized (warmed up), then R rounds, the order of the two sides alternating from one round to the
# next (ours first in odd rounds); a round's ratio pairs the two sides of that round.
rounds_file=$out/rounds.txt   # row round side rate detail
ratios_file=$out/ratios.txt   # row round ratio
rows_file=$out/rows.txt       # row min median max target verdict (as printed)
: >"$rounds_file"; : >"$ratios_file"; : >"$rows_file"
# A row runs in a subshell: a side that fails (die, or any failing command) ends its row, not the run. The row is then
# printed as failed, its error kept in failed-NAME.txt (the whole row's output in row-NAME.log), the next rows run, and
# the run exits non-zero at the end (--fail-fast: it stops there). What later rows reuse (a side's count per
# connection, the list keys, the verify-write pools taken) comes back from a row that passed through $out/row-state.
run_row() { # I
  local i=$1
  name=${row_names[$i]} kind=${row_kind[$i]} target=${row_target[$i]} n=${row_rounds[$i]:-$rounds}
  unset round
  run_side size "${row_ours[$i]}"
  run_side size "${row_limit[$i]}"
  for ((round = 1; round <= n; round++)); do
    order=(ours limit); ((round % 2 == 0)) && order=(limit ours)
    for side in "${order[@]}"; do
      if [[ $side == ours ]]; then run_side round "${row_ours[$i]}"; ours=$SIDE_RATE
      else run_side round "${row_limit[$i]}"; limit=$SIDE_RATE; fi
      echo "$name $round $side $SIDE_RATE $SIDE_DETAIL" >>"$rounds_file"
      log "  $name round $round $side: $SIDE_RATE ($SIDE_DETAIL)"
    done
    ratio=$(awk -v k="$kind" -v o="$ours" -v l="$limit" 'BEGIN {
      if (k == "share") r = (l > 0 ? o / l : 0); else if (k == "cost") r = (o > 0 ? l / o : 1e9); else r = o - l; printf "%.4f\n", r}')
    echo "$name $round $ratio" >>"$ratios_file"
  done
  awk -v n="$name" -v k="$kind" -v t="$target" '$1 == n {print $3}' "$ratios_file" | sort -g | awk -v n="$name" -v k="$kind" -v t="$target" '
    {a[NR] = $1}
    END {
      med = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
      ok = (k == "share") ? (a[1] >= t) : (a[NR] <= t)
      f = (k == "excess") ? "%d" : (a[NR] < 0.1 ? "%.4f" : "%.2f")
      if (t == "-") printf "%s " f " " f " " f " - report\n", n, a[1], med, a[NR]
      else printf "%s " f " " f " " f " %s %s\n", n, a[1], med, a[NR], (k == "share" ? ">=" : "<=") t, ok ? "ok" : "short"
    }' >>"$rows_file"
  declare -p per_connection list_keys decided >"$out/row-state"
}
failed_rows=()
for i in "${!row_names[@]}"; do
  name=${row_names[$i]}
  log "$name: ${row_rounds[$i]:-$rounds} rounds a side ($(eval "echo \"${row_what[$i]}\""))"
  rm -f "$out/row-state"
  set +e
  (set -e; run_row "$i") 2>&1 | tee "$out/row-$name.log"
  status=${PIPESTATUS[0]}
  set -e
  if [[ $status == 0 && -f $out/row-state ]]; then
    # shellcheck disable=SC1091  # written by run_row
    source "$out/row-state"
    rm -f "$out/row-state" # it names the keys of the sides
    log "  $(tail -n 1 "$rows_file")"
    continue
  fi
  failed_rows+=("$name")
  target=${row_target[$i]}
  [[ $target == - ]] || target=$([[ ${row_kind[$i]} == share ]] && echo ">=$target" || echo "<=$target")
  echo "$name - - - $target failed" >>"$rows_file"
  reason=$(sed -n 's/^[0-9:]* run.sh: FAILED: //p' "$out/row-$name.log" | tail -n 1)
  {
    echo "$name: ${reason:-the row stopped with exit status $status (no FAILED line: a command failed, see below)}"
    echo "exit status $status; the row's last 60 lines of output follow (all of it: row-$name.log)"
    echo
    tail -n 60 "$out/row-$name.log"
  } >"$out/failed-$name.txt"
  log "  $(tail -n 1 "$rows_file"): ${reason:-exit status $status} (failed-$name.txt)"
  [[ $fail_fast == 0 ]] || die "$name failed (--fail-fast): the rows after it were not run"
done

# ---- the table -----------------------------------------------------------------------------------------------
median_of() { sort -g | awk '{a[NR] = $1} END {if (NR == 0) print "-"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
side_median() { awk -v n="$1" -v s="$2" '$1 == n && $3 == s {print $4}' "$rounds_file" | median_of; }
tools="h2load $(h2load --version | awk '{print $2}'), $("$pg_bin/pgbench" --version | awk '{print $1, $3}')"
failures() { # the failed rows, one a line, with the error that ended each
  [[ ${#failed_rows[@]} -gt 0 ]] || return 0
  local f
  echo "failed rows (each row's error and its last output in failed-<row>.txt):"
  for f in "${failed_rows[@]}"; do echo "  $(head -n 1 "$out/failed-$f.txt")"; done
  echo
}
footer() {
  echo "scale: $scale detainees / $((scale * 2)) releases (growth against $small / $((small * 2))); rounds a side: $rounds" \
    "(import 3, memory-import 1$(tr ',' '\n' <<<"$only" | awk -F: 'NF == 2 {printf ", %s %s", $1, $2}')), each about ${duration}s; $connections connections on both sides (h2load --h1 -t$threads, pgbench -M prepared -j$threads)"
  echo "totals: from=$totals_from (as of now) and asOf=$past_as_of; tools: $tools; machine: $(nproc) cores, $((mem_mb / 1024)) GiB; commit $commit"
  echo "$paths_check"
  echo "elapsed: $(( ($(date +%s) - started) / 60 )) min $(( ($(date +%s) - started) % 60 )) s; load average (1 min) at the start $load_at_start, at the end $(cut -d' ' -f1 /proc/loadavg)"
}
{
  printf '%-16s %8s %8s %8s %8s %s\n' name min median max target verdict
  awk '{printf "%-16s %8s %8s %8s %8s %s\n", $1, $2, $3, $4, $5, $6}' "$rows_file"
  echo
  echo "the sides, median of the rounds (rates per second; MB for memory-import):"
  for i in "${!row_names[@]}"; do
    printf '  %-16s ours %12s  limit %12s  %s\n' "${row_names[$i]}" "$(side_median "${row_names[$i]}" ours)" \
      "$(side_median "${row_names[$i]}" limit)" "$(eval "echo \"${row_what[$i]}\"")"
  done
  echo
  failures
  footer
} | tee "$out/summary.txt"
{
  echo "| row | min | median | max | target | verdict | ours (median) | limit (median) | what |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for i in "${!row_names[@]}"; do
    awk -v n="${row_names[$i]}" '$1 == n {printf "| %s | %s | %s | %s | %s | %s |", $1, $2, $3, $4, $5, $6}' "$rows_file"
    printf ' %s | %s | %s |\n' "$(side_median "${row_names[$i]}" ours)" "$(side_median "${row_names[$i]}" limit)" "$(eval "echo \"${row_what[$i]}\"")"
  done
  echo
  failures
  footer
} >"$out/summary.md"
log "results in $out"
run_status=0
if [[ $paths_check == FAILED* ]]; then log "$paths_check"; run_status=1; fi
if [[ ${#failed_rows[@]} -gt 0 ]]; then
  log "FAILED: ${#failed_rows[@]} of ${#row_names[@]} rows failed (${failed_rows[*]}): their errors are in $out/failed-<row>.txt"
  run_status=1
fi
exit $run_status
