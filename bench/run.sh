#!/usr/bin/env bash
# Benchmarks the API against the limits of what it stands on, in one run, and prints one line per comparison:
#   name  ours  limit  ratio  target  verdict      (plus p50/p99 of every HTTP side)
#
#   bench/run.sh [--scale N] [--quick] [--rounds R] [--duration S] [--keep]
#
#   --scale N     detainees in the main data set (2N releases); default 1,000,000 (--quick: 20,000)
#   --quick       small scale, short rounds: a smoke run in under 5 minutes on 2 cores
#   --rounds R    rounds per side of each comparison, interleaved; the median counts (default 5, --quick 3)
#   --duration S  seconds per round (default 12, --quick 3); slow endpoints get longer (up to 90 s, --quick 4) and fewer rounds
#   --keep        leave the PostgreSQL cluster and its databases in place (default: removed at the end)
#   --only import only the import and memory-import comparisons (generates the main data set only)
#
# Everything it starts is its own: a PostgreSQL cluster in $BENCH_WORK/pg (default .data/bench/pg, port
# BENCH_PG_PORT=5455), API processes on ports BENCH_PORT_BASE..+6 (default 5590-5596) and the bench's reference
# server on BENCH_PORT_BASE+7; all are stopped at the end. Needs the .NET SDK, PostgreSQL 15 server binaries (pgbench) and wrk (apt-get install -y wrk).
# Results: bench/results/<UTC time>/ (summary.txt, summary.md, raw rounds, captured SQL, logs).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench=$root/bench
work=${BENCH_WORK:-$root/.data/bench}
pg_dir=$work/pg
pg_port=${BENCH_PG_PORT:-5455}
port_base=${BENCH_PORT_BASE:-5590}
p_main=$port_base p_cached=$((port_base + 1)) p_import=$((port_base + 2)) p_tsmall=$((port_base + 3)) p_tbig=$((port_base + 4))
p_ssmall=$((port_base + 5)) p_migrate=$((port_base + 6)) p_ref=$((port_base + 7))
seed=42
scale=
quick=0
keep=0
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
    -h|--help) sed -n '2,20s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

if [[ $quick == 1 ]]; then
  scale=${scale:-20000}; rounds=${rounds:-3}; duration=${duration:-3}; max_duration=4; warm=2
  import_rows=20000; memory_rows=50000
else
  scale=${scale:-1000000}; rounds=${rounds:-5}; duration=${duration:-12}; max_duration=90; warm=6
  import_rows=100000; memory_rows=1000000
fi
# A side whose answers take long gets longer and fewer rounds (see round_seconds and rounds_for below).
# Imports go in requests of at most 500,000 rows (the API takes bodies up to 200 MB).
import_chunk=500000
# Growth: totals at `scale` releases vs scale/10 (data sets of scale/2 and scale/20 people, two releases each);
# name search at `scale` people (the main data set) vs scale/10.
totals_big=$((scale / 2)); totals_small=$((scale / 20)); search_small=$((scale / 10))
totals_from=2026-01-08
past_as_of=2026-01-23T23:59:59Z

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=$bench/results/$stamp
mkdir -p "$out" "$work"
exec > >(tee -a "$out/run.log") 2>&1
log() { printf '%s run.sh: %s\n' "$(date -u +%H:%M:%S)" "$*"; }
started=$(date +%s)
# The commit measured: taken before the build, "+changes" when the working tree differs from it.
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')
if [[ -n $(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null) ]]; then commit="$commit+changes"; fi

pids=()
started_pg=0
# shellcheck disable=SC2317  # invoked from the trap
cleanup() {
  trap - INT TERM EXIT
  local pid
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [[ $started_pg == 1 ]]; then
    "$root/scripts/pg-local.sh" stop "$pg_dir" >/dev/null 2>&1 || true
    if [[ $keep == 0 ]]; then rm -rf "$pg_dir"; fi
  fi
}
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap cleanup EXIT

for tool in wrk dotnet curl jq; do
  command -v $tool >/dev/null || { log "$tool is missing (wrk: apt-get install -y wrk)"; exit 1; }
done
pg_bin=$("$root/scripts/pg-local.sh" ensure-binaries)
for port in $pg_port $(seq "$port_base" $((port_base + 7))); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    log "port $port is in use: set BENCH_PORT_BASE (APIs, now $port_base..+7) or BENCH_PG_PORT (now $pg_port)"; exit 1
  fi
done
psql_() { "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres "$@"; }
cs() { echo "Host=127.0.0.1;Port=$pg_port;Database=$1;Username=postgres;Maximum Pool Size=200"; }

# ---- build ---------------------------------------------------------------------------------------------------
log "building the API and the bench tool (Release)"
artifacts=$work/artifacts
dotnet build "$root/src/PrisonerReleaseTracker.Api" -c Release --artifacts-path "$artifacts" --nologo -v quiet -clp:NoSummary >"$out/build.log" 2>&1 \
  || { tail -30 "$out/build.log"; exit 1; }
dotnet build "$bench/PrisonerReleaseTracker.Bench" -c Release --artifacts-path "$artifacts" --nologo -v quiet -clp:NoSummary >>"$out/build.log" 2>&1 \
  || { tail -30 "$out/build.log"; exit 1; }
api_dll=$artifacts/bin/PrisonerReleaseTracker.Api/release/PrisonerReleaseTracker.Api.dll
tool_dll=$artifacts/bin/PrisonerReleaseTracker.Bench/release/PrisonerReleaseTracker.Bench.dll
tool() { dotnet "$tool_dll" "$@"; }

# ---- PostgreSQL ----------------------------------------------------------------------------------------------
if "$root/scripts/pg-local.sh" status "$pg_dir" >/dev/null 2>&1; then
  log "a bench cluster is already running in $pg_dir: stop it first (scripts/pg-local.sh stop $pg_dir)"; exit 1
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
  "$root/scripts/pg-local.sh" start "$pg_dir" "$pg_port" >"$out/pg-start.log" 2>&1 || { cat "$out/pg-start.log"; exit 1; }
pg_log=$pg_dir/log/postgresql.csv

admin_key="prt_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
api_env=(
  "Caching__Totals__Enabled=false"
  "RateLimiting__Enabled=false"
  "RateLimiting__Anonymous__PermitLimit=1000000000"
  "RateLimiting__Keyed__PermitLimit=1000000000"
  "Limits__RequestTimeoutSeconds=3600" # a slow answer is measured, not cut off at the default 30 s
  "Auth__BootstrapAdminKey=$admin_key"
  "Auth__BootstrapOrganization=Bench Administrators"
)

# launch_api NAME PORT DB [ENV=VALUE...]: starts an API process; wait_api NAME PORT: waits until it answers.
launch_api() {
  local name=$1 port=$2 db=$3
  shift 3
  env "${api_env[@]}" "$@" "ConnectionStrings__Default=$(cs "$db")" "ASPNETCORE_URLS=http://127.0.0.1:$port" \
    dotnet "$api_dll" >"$out/api-$name.log" 2>&1 &
  pids+=($!)
  eval "pid_$name=$!"
}
wait_api() {
  local name=$1 port=$2 pid_var=pid_$1 i
  for i in $(seq 1 300); do
    if curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then return 0; fi
    kill -0 "${!pid_var}" 2>/dev/null || { log "API $name exited:"; tail -20 "$out/api-$name.log"; exit 1; }
    sleep 0.2
  done
  log "API $name did not answer on port $port"; exit 1
}
start_api() { launch_api "$@"; wait_api "$1" "$2"; }
stop_api() {
  local var=pid_$1
  kill -TERM "${!var}" 2>/dev/null || true
  wait "${!var}" 2>/dev/null || true
}

# new_key PORT ROLE ORG: an API key made through the API with the bootstrap Admin key.
new_key() {
  curl -sf -H "X-Api-Key: $admin_key" -H 'content-type: application/json' \
    -d "{\"name\":\"bench $2\",\"organization\":\"$3\",\"role\":\"$2\"}" "http://127.0.0.1:$1/api/v1/api-keys" | jq -r .key
}

# ---- data ----------------------------------------------------------------------------------------------------
log "migrating a template database with the API's own start-up"
psql_ -d postgres -c "CREATE DATABASE prt_template"
start_api migrate $p_migrate prt_template Database__MigrateOnStartup=true
stop_api migrate

generate() { # DB SCALE
  psql_ -d postgres -c "CREATE DATABASE $1 TEMPLATE prt_template"
  log "generating $1: $2 detainees, $(($2 * 2)) releases"
  tool generate --conn "$(cs "$1")" --scale "$2" --seed "$seed" | tee -a "$out/generate.log"
}
generate prt_main "$scale"
if [[ $only != import ]]; then
  generate prt_totals_big "$totals_big"
  generate prt_totals_small "$totals_small"
  generate prt_search_small "$search_small"
fi
log "copying prt_main for the import comparisons (they write)"
psql_ -d postgres -c "CREATE DATABASE prt_import TEMPLATE prt_main STRATEGY FILE_COPY"
psql_ -d prt_main -Atc "SELECT pg_size_pretty(pg_database_size('prt_main'))" | sed 's/^/prt_main size: /'

if [[ $only != import ]]; then
# ---- processes -----------------------------------------------------------------------------------------------
log "starting the APIs (Release, dotnet <dll>)"
launch_api main $p_main prt_main                                   # cache off
launch_api cached $p_cached prt_main Caching__Totals__Enabled=true   # cache on
launch_api tsmall $p_tsmall prt_totals_small
launch_api tbig $p_tbig prt_totals_big
launch_api ssmall $p_ssmall prt_search_small
wait_api main $p_main; wait_api cached $p_cached; wait_api tsmall $p_tsmall; wait_api tbig $p_tbig; wait_api ssmall $p_ssmall
reader_main=$(new_key $p_main Researcher "Bench Readers")
reader_small=$(new_key $p_ssmall Researcher "Bench Readers")

now_path="/api/v1/totals?from=$totals_from"
past_path="/api/v1/totals?from=$totals_from&asOf=$past_as_of"
curl -sf "http://127.0.0.1:$p_cached$now_path" -o "$out/totals-cached-body.json"
dotnet "$tool_dll" serve --conn "$(cs prt_main)" --urls "http://127.0.0.1:$p_ref" --const-body "$out/totals-cached-body.json" >"$out/reference.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -sf -o /dev/null http://127.0.0.1:$p_ref/const && break; sleep 0.2; done

# request lists for wrk
echo "$now_path" >"$out/paths-now.txt"
echo "$past_path" >"$out/paths-past.txt"
echo "/const" >"$out/paths-const.txt"
psql_ -d prt_main -Atc "SELECT '/api/v1/releases/' || id FROM releases ORDER BY random() LIMIT 2000" >"$out/paths-release.txt"
sed 's#^/api/v1/releases/#/releases/#' "$out/paths-release.txt" >"$out/paths-release-ref.txt"
tool search-terms --scale "$search_small" --seed "$seed" --count 300 --out "$out/terms.txt"
sed 's#^#/api/v1/detainees?q=#' "$out/terms.txt" >"$out/paths-search.txt"

# ---- measuring -----------------------------------------------------------------------------------------------
# wrk_run LABEL PORT PATHS KEY SECONDS -> "rps p50 p99 non2xx errors"
wrk_run() {
  local label=$1 port=$2 paths=$3 key=$4 secs=$5 line
  line=$(WRK_PATHS=$paths WRK_KEY=$key wrk -t$threads -c$connections -d"${secs}s" --timeout 120s -s "$bench/wrk.lua" \
    "http://127.0.0.1:$port" 2>&1 | tee -a "$out/wrk-$label.log" | grep '^RESULT' || true)
  [[ -n $line ]] || { echo "0 0 0 0 1"; return; }
  # Throughput is answers per second; when a round saw fewer than 3 answers per connection (slow endpoints,
  # where answers in flight at the end are a large share), it is connections / mean latency (Little's law).
  awk -v c=$connections '{rps = $2 / ($3 / 1e6); if ($2 < 3 * c && $6 > 0) rps = c * 1000 / $6
    printf "%.2f %.2f %.2f %d %d\n", rps, $4, $5, $7, $8}' <<<"$line"
}
# pgbench_run LABEL DB SCRIPT DEFS SECONDS -> "tps"
pgbench_run() {
  local label=$1 db=$2 script=$3 defs=$4 secs=$5 d args=()
  while IFS= read -r d; do args+=(-D "$d"); done <"$defs"
  "$pg_bin/pgbench" -n -M simple -c $connections -j $threads -T "$secs" -f "$script" "${args[@]}" \
    -h 127.0.0.1 -p "$pg_port" -U postgres "$db" >>"$out/pgbench-$label.log" 2>&1 || { echo 0; return; }
  tail -n 20 "$out/pgbench-$label.log" | awk '/^tps = / {v = $3} END {printf "%.2f\n", v}'
}
median() { sort -g | awk '{a[NR] = $1} END {if (NR == 0) {print 0} else if (NR % 2) {print a[(NR + 1) / 2]} else {print (a[NR / 2] + a[NR / 2 + 1]) / 2}}'; }

# Raw rounds: name side rps p50 p99 non2xx errors
rounds_file=$out/rounds.txt
: >"$rounds_file"
http_side() { # NAME SIDE PORT PATHS KEY SECONDS
  local r
  r=$(wrk_run "$1-$2" "$3" "$4" "$5" "$6")
  echo "$1 $2 $r" >>"$rounds_file"
  log "  $1 $2: $r"
}
pgbench_side() { # NAME DB SCRIPT DEFS SECONDS
  local r
  r=$(pgbench_run "$1" "$2" "$3" "$4" "$5")
  echo "$1 limit $r 0 0 0 0" >>"$rounds_file"
  log "  $1 limit (pgbench): $r tps"
}
warm_http() { WRK_PATHS=$3 WRK_KEY=$4 wrk -t$threads -c$connections -d"${warm}s" --timeout 120s -s "$bench/wrk.lua" "http://127.0.0.1:$2" >>"$out/warmup.log" 2>&1 || true; }

# single PORT PATHS KEY -> seconds one request takes alone (median of 5, over the first paths of the list)
single() {
  local port=$1 paths=$2 key=$3 p
  head -n 5 "$paths" | while IFS= read -r p; do
    curl -s -o /dev/null -w '%{time_total}\n' ${key:+-H "X-Api-Key: $key"} "http://127.0.0.1:$port$p"
  done | median
}
# round_seconds SINGLE... -> seconds per round for a comparison whose sides answer alone in SINGLE seconds. With the
# 2 cores shared by 32 requests an answer takes about 16x as long as alone; a round lasts 1.6x that, so that every
# connection sees at least one answer, between --duration and max_duration seconds.
round_seconds() {
  printf '%s\n' "$@" | sort -g | tail -n 1 | awk -v d="$duration" -v m="$max_duration" -v c=$connections \
    '{t = 1.6 * $1 * c / 2; if (t < d) t = d; if (t > m) t = m; printf "%d\n", t + 0.5}'
}
# Long rounds are fewer, to keep the run within its time: 3 rounds past 3x --duration, 2 past 60 s.
rounds_for() {
  if [[ $1 -gt 60 ]]; then echo 2
  elif [[ $1 -gt $((3 * duration)) && $rounds -gt 3 ]]; then echo 3
  else echo "$rounds"; fi
}

log "warming up every endpoint (5 requests alone, then ${warm}s at $connections connections)"
declare -A alone
warm_side() { # LABEL PORT PATHS KEY: slow endpoints are warmed by the requests alone (at 32 connections none would end)
  alone[$1]=$(single "$2" "$3" "$4")
  if awk -v t="${alone[$1]}" 'BEGIN {exit !(t < 0.5)}'; then
    warm_http "$1" "$2" "$3" "$4"
    alone[$1]=$(single "$2" "$3" "$4")
  fi
  log "  $1: ${alone[$1]} s alone"
}
warm_side now $p_main "$out/paths-now.txt" ""
warm_side past $p_main "$out/paths-past.txt" ""
warm_side cached $p_cached "$out/paths-now.txt" ""
warm_side const $p_ref "$out/paths-const.txt" ""
warm_side release $p_main "$out/paths-release.txt" "$reader_main"
warm_side release-ref $p_ref "$out/paths-release-ref.txt" ""
warm_side search $p_main "$out/paths-search.txt" "$reader_main"
warm_side search-small $p_ssmall "$out/paths-search.txt" "$reader_small"
warm_side tsmall $p_tsmall "$out/paths-now.txt" ""
warm_side tbig $p_tbig "$out/paths-now.txt" ""

# capture LABEL PATH: the SQL one request sends, from PostgreSQL's log, as a pgbench script
capture() {
  local label=$1 path=$2 offset
  psql_ -d postgres -c "ALTER SYSTEM SET log_statement = 'all'" -c "SELECT pg_reload_conf()" >/dev/null
  sleep 1
  offset=$(stat -c %s "$pg_log")
  curl -sf -o "$out/captured-$label-response.json" "http://127.0.0.1:$p_main$path"
  sleep 1
  psql_ -d postgres -c "ALTER SYSTEM RESET log_statement" -c "SELECT pg_reload_conf()" >/dev/null
  sleep 1
  tail -c +$((offset + 1)) "$pg_log" >"$out/captured-$label.csv"
  tool pgbench-script --log "$out/captured-$label.csv" --db prt_main --out "$out/captured-$label.sql" >"$out/captured-$label.defs"
  log "captured $(grep -c '^-- statement' "$out/captured-$label.sql") statements for $label"
}
capture now "$now_path"
capture past "$past_path"

# Each comparison: its sides alternate, round after round; the median of each side counts.
compare() { # NAME SECONDS ROUNDS SIDE-COMMAND... (each side a quoted command)
  local name=$1 secs=$2 n=$3 round side
  shift 3
  log "$name: $n rounds of ${secs}s per side"
  for ((round = 1; round <= n; round++)); do
    for side in "$@"; do eval "$side $secs"; done
  done
}
s_now=$(round_seconds "${alone[now]}"); s_past=$(round_seconds "${alone[past]}")
s_cached=$(round_seconds "${alone[cached]}" "${alone[const]}"); s_release=$(round_seconds "${alone[release]}" "${alone[release-ref]}")
s_gtotals=$(round_seconds "${alone[tbig]}" "${alone[tsmall]}"); s_search=$(round_seconds "${alone[search]}" "${alone[search-small]}")
compare totals-now "$s_now" "$(rounds_for "$s_now")" \
  'http_side totals-now ours $p_main "$out/paths-now.txt" ""' 'pgbench_side totals-now prt_main "$out/captured-now.sql" "$out/captured-now.defs"'
compare totals-past "$s_past" "$(rounds_for "$s_past")" \
  'http_side totals-past ours $p_main "$out/paths-past.txt" ""' 'pgbench_side totals-past prt_main "$out/captured-past.sql" "$out/captured-past.defs"'
# The cached side is primed before each of its rounds: one request, waited for. Without it, an entry that expired
# (Caching:Totals:Seconds) meets 32 concurrent misses, each computing the totals; a round shorter than that
# computation ends them all and nothing is ever stored. The priming time is logged (long = the cache was cold).
prime_cached() { log "  totals-cached: primed in $(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$p_cached$now_path") s"; }
compare totals-cached "$s_cached" "$(rounds_for "$s_cached")" \
  'prime_cached; http_side totals-cached ours $p_cached "$out/paths-now.txt" ""' 'http_side totals-cached limit $p_ref "$out/paths-const.txt" ""'
compare release-by-id "$s_release" "$(rounds_for "$s_release")" \
  'http_side release-by-id ours $p_main "$out/paths-release.txt" "$reader_main"' 'http_side release-by-id limit $p_ref "$out/paths-release-ref.txt" ""'
compare growth-totals "$s_gtotals" "$(rounds_for "$s_gtotals")" \
  'http_side growth-totals ours $p_tbig "$out/paths-now.txt" ""' 'http_side growth-totals limit $p_tsmall "$out/paths-now.txt" ""'
compare growth-search "$s_search" "$(rounds_for "$s_search")" \
  'http_side growth-search ours $p_main "$out/paths-search.txt" "$reader_main"' 'http_side growth-search limit $p_ssmall "$out/paths-search.txt" "$reader_small"'
for name in cached tsmall tbig ssmall; do stop_api $name; done
fi

# ---- import --------------------------------------------------------------------------------------------------
import_note=
import_api=0; import_copy=0; rss_before=0; rss_peak=0
start_api import $p_import prt_import
contributor=$(new_key $p_import Contributor "Bench Importer")
probe=$(printf '%s\n' "$(tool import-csv --rows 0 --offset 0 --out /dev/stdout)" |
  curl -s -o /dev/null -w '%{http_code}' -X POST -H "X-Api-Key: $contributor" -H 'Content-Type: text/csv' --data-binary @- \
    http://127.0.0.1:$p_import/api/v1/imports || true)
if [[ $probe == 404 || $probe == 405 || $probe == 000 ]]; then
  import_note="POST /api/v1/imports not available in this build (HTTP $probe)"
  log "import: $import_note"
  stop_api import
else
  # post_import FILE ROWS -> rows/s (waits for the import to finish, following a 202's Location if the API answers so)
  post_import() {
    local file=$1 rows=$2 t0 t1 code location state
    t0=$(date +%s.%N)
    code=$(curl -s -D "$out/import-headers.txt" -o "$out/import-response.json" -w '%{http_code}' -X POST \
      -H "X-Api-Key: $contributor" -H 'Content-Type: text/csv' --data-binary @"$file" http://127.0.0.1:$p_import/api/v1/imports)
    if [[ $code == 202 ]]; then
      location=$(awk 'tolower($1) == "location:" {print $2}' "$out/import-headers.txt" | tr -d '\r')
      while :; do
        state=$(curl -s -H "X-Api-Key: $contributor" "http://127.0.0.1:$p_import${location#http://127.0.0.1:$p_import}" | tee "$out/import-response.json" | jq -r '.status // .state // empty')
        [[ $state =~ ^(Running|Pending|Queued|running|pending|queued)$ ]] || break
        sleep 0.2
      done
    elif [[ ! $code =~ ^20[01]$ ]]; then
      log "import answered HTTP $code: $(head -c 300 "$out/import-response.json")"
      echo 0; return
    fi
    t1=$(date +%s.%N)
    awk -v n="$rows" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f\n", n / (b - a)}'
  }
  tool import-csv --rows "$import_rows" --offset 0 --seed "$seed" --out "$out/import-api.csv"
  tool import-csv --rows "$import_rows" --offset "$import_rows" --seed "$seed" --out "$out/import-copy.csv"
  tool import-csv --rows 2000 --offset 5000000 --seed "$seed" --out "$out/import-warm.csv"
  post_import "$out/import-warm.csv" 2000 >/dev/null # warm-up: JIT and the import's code paths
  log "import: $import_rows rows through the API"
  import_api=$(post_import "$out/import-api.csv" "$import_rows")
  log "import: the same number of rows through binary COPY"
  import_copy=$(tool import-copy --conn "$(cs prt_import)" --csv "$out/import-copy.csv" | awk '{print $3}')
  log "import: API $import_api rows/s, COPY $import_copy rows/s"

  # Memory: a fresh API process on an empty copy of the schema. The API streams the body and works set-based in
  # PostgreSQL, so its memory does not depend on the size of the database, while the import's time does (1,000,000
  # rows into the full data set take over 10 minutes at the import's rate measured here).
  stop_api import
  psql_ -d postgres -c "CREATE DATABASE prt_memory TEMPLATE prt_template"
  start_api memory $p_import prt_memory
  contributor=$(new_key $p_import Contributor "Bench Importer")
  post_import "$out/import-warm.csv" 2000 >/dev/null
  log "memory-import: $memory_rows rows into an empty database, in requests of at most $import_chunk"
  rss_before=$(awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$pid_memory/status")
  echo 5 >"/proc/$pid_memory/clear_refs" # resets VmHWM, the peak resident set, to the current one
  for ((done_rows = 0; done_rows < memory_rows; done_rows += import_chunk)); do
    chunk=$((memory_rows - done_rows < import_chunk ? memory_rows - done_rows : import_chunk))
    tool import-csv --rows "$chunk" --offset $((2 * import_rows + done_rows)) --seed "$seed" --out "$out/import-memory.csv"
    memory_rate=$(post_import "$out/import-memory.csv" "$chunk")
    log "memory-import: $chunk rows at $memory_rate rows/s; peak so far $(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$pid_memory/status") MB"
  done
  rss_peak=$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$pid_memory/status")
  log "memory-import: RSS before ${rss_before} MB, peak ${rss_peak} MB"
  rm -f "$out/import-memory.csv"
  stop_api memory
fi

# ---- the table -----------------------------------------------------------------------------------------------
stat_of() { # NAME SIDE FIELD(3=rps 4=p50 5=p99 6=non2xx 7=errors) -> median
  awk -v n="$1" -v s="$2" -v f="$3" '$1 == n && $2 == s {print $f}' "$rounds_file" | median
}
errors_of() { awk -v n="$1" '$1 == n {e += $6 + $7} END {print e + 0}' "$rounds_file"; }
summary=$out/summary.txt
{
  printf '%-14s %12s %12s %8s %8s %s\n' name ours limit ratio target verdict
  row() { # NAME OURS LIMIT RATIO TARGET OK(1/0) [NOTE]
    local verdict=short
    [[ $6 == 1 ]] && verdict=ok
    printf '%-14s %12s %12s %8s %8s %s%s\n' "$1" "$2" "$3" "$4" "$5" "$verdict" "${7:+  ($7)}"
  }
  ratio_row() { # NAME TARGET (ours/limit >= target)
    local o l r e
    o=$(stat_of "$1" ours 3); l=$(stat_of "$1" limit 3); e=$(errors_of "$1")
    r=$(awk -v o="$o" -v l="$l" 'BEGIN {printf "%.2f", (l > 0 ? o / l : 0)}')
    row "$1" "$o/s" "$l/s" "$r" ">= $2" "$(awk -v r="$r" -v t="$2" -v e="$e" 'BEGIN {print (r >= t && e == 0) ? 1 : 0}')" \
      "$([[ $e != 0 ]] && echo "$e failed requests")"
  }
  if [[ $only != import ]]; then
    ratio_row totals-now 0.8
    ratio_row totals-past 0.8
    ratio_row totals-cached 0.8
    ratio_row release-by-id 0.7
  fi
  if [[ -n $import_note ]]; then
    row import - - - ">= 0.5" 0 "$import_note"
  else
    r=$(awk -v o="$import_api" -v l="$import_copy" 'BEGIN {printf "%.2f", (l > 0 ? o / l : 0)}')
    row import "$import_api/s" "$import_copy/s" "$r" ">= 0.5" "$(awk -v r="$r" 'BEGIN {print (r >= 0.5) ? 1 : 0}')" "rows/s, $import_rows rows"
  fi
  for g in $([[ $only != import ]] && echo growth-totals growth-search); do
    o=$(stat_of $g ours 3); l=$(stat_of $g limit 3); e=$(errors_of $g)
    r=$(awk -v o="$o" -v l="$l" 'BEGIN {printf "%.2f", (o > 0 ? l / o : 0)}')
    if [[ $g == growth-totals ]]; then what="req/s at $((totals_big * 2)) vs $((totals_small * 2)) releases; ratio = cost ratio"
    else what="req/s at $scale vs $search_small detainees; ratio = cost ratio"; fi
    row $g "$o/s" "$l/s" "$r" "<= 2" "$(awk -v r="$r" -v e="$e" 'BEGIN {print (r <= 2 && r > 0 && e == 0) ? 1 : 0}')" "$what"
  done
  if [[ -n $import_note ]]; then
    row memory-import - - - "<= 200 MB" 0 "$import_note"
  else
    growth=$((rss_peak - rss_before))
    row memory-import "${rss_peak}MB" "${rss_before}MB" "+${growth}MB" "<= 200 MB" "$([[ $growth -le 200 ]] && echo 1 || echo 0)" \
      "peak RSS importing $memory_rows rows (into an empty database) vs RSS before"
  fi
  if [[ $only != import ]]; then
    echo
    echo "latency at $connections connections, median of the rounds (ms): p50 / p99, and p99 within 5x p50"
    for name in totals-now totals-past totals-cached release-by-id growth-totals growth-search; do
      for side in ours limit; do
        [[ $side == limit && $name =~ ^totals-(now|past)$ ]] && continue # the limit there is pgbench
        p50=$(stat_of $name $side 4); p99=$(stat_of $name $side 5)
        printf '  %-14s %-5s p50 %9s  p99 %9s  %s\n' $name $side "$p50" "$p99" \
          "$(awk -v a="$p50" -v b="$p99" 'BEGIN {print (b <= 5 * a) ? "ok" : "p99 > 5x p50"}')"
      done
    done
    echo
    echo "scale: $scale detainees / $((scale * 2)) releases; rounds x seconds per side: now $(rounds_for "$s_now")x$s_now, past $(rounds_for "$s_past")x$s_past," \
      "cached $(rounds_for "$s_cached")x$s_cached, release $(rounds_for "$s_release")x$s_release, growth-totals $(rounds_for "$s_gtotals")x$s_gtotals," \
      "growth-search $(rounds_for "$s_search")x$s_search; wrk -t$threads -c$connections; pgbench -c$connections -j$threads -M simple"
  fi
  echo "totals: from=$totals_from (as of now) and asOf=$past_as_of; machine: $(nproc) cores, $((mem_mb / 1024)) GiB; commit $commit"
  echo "elapsed: $(( ($(date +%s) - started) / 60 )) min $(( ($(date +%s) - started) % 60 )) s"
} | tee "$summary"
log "results in $out"
