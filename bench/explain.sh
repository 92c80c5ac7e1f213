#!/usr/bin/env bash
# EXPLAIN (ANALYZE, BUFFERS) of the SQL one API request sends, as PostgreSQL logged it: for the closing notes of rows
# short of target, on a bench cluster left by `bench/run.sh --keep` (or a running one).
#
#   bench/explain.sh OUT API-URL PATH [KEY]
#
#   OUT      the text file written: the command, the commit, the time and the load at the top, then for every statement
#            the request sent (the data version's read and the pool's reset left out, as in run.sh's capture) its SQL
#            with the logged values in place and its plan
#   API-URL  an API on the cluster (e.g. http://127.0.0.1:6300); the request is sent once to warm it, then once logged
#   PATH     the request, query string URL-encoded (e.g. '/api/v1/totals?from=2026-01-08&groupBy=nationality')
#   KEY      an X-Api-Key for the request (a Researcher's for /detainees), or nothing
#
# The cluster: $BENCH_WORK/pg (default .data/bench/pg) on port BENCH_PG_PORT (default 5455), database BENCH_DB
# (default prt_main); its csvlog (run.sh starts it with one) is where the statements are read from. The values go in
# as quoted literals, typed by PostgreSQL from their context as the API's parameters are: the plan is the one a new
# prepared statement gets on its first executions (a custom plan), EXPLAIN runs each statement once more.
set -euo pipefail
[[ $# -ge 3 ]] || { sed -n '2,18s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 2; }
out=$1 api=$2 path=$3 key=${4:-}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=${BENCH_WORK:-$root/.data/bench}
pg_port=${BENCH_PG_PORT:-5455}
db=${BENCH_DB:-prt_main}
pg_log=$work/pg/log/postgresql.csv
tool_dll=$work/artifacts/bin/PrisonerReleaseTracker.Bench/release/PrisonerReleaseTracker.Bench.dll
pg_bin=$("$root/scripts/pg-local.sh" ensure-binaries)
[[ -f $pg_log ]] || { echo "explain.sh: no csvlog at $pg_log (a cluster started by bench/run.sh?)" >&2; exit 1; }
[[ -f $tool_dll ]] || { echo "explain.sh: no bench tool at $tool_dll (bench/run.sh builds it)" >&2; exit 1; }
psql_() { "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres "$@"; }
header=()
[[ -z $key ]] || header=(-H "X-Api-Key: $key")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; psql_ -d postgres -c "ALTER SYSTEM RESET log_statement" -c "SELECT pg_reload_conf()" >/dev/null 2>&1 || true' EXIT

curl -sS -f -o /dev/null "${header[@]}" "$api$path"
psql_ -d postgres -c "ALTER SYSTEM SET log_statement = 'all'" -c "SELECT pg_reload_conf()" >/dev/null
sleep 1
offset=$(stat -c %s "$pg_log")
took=$(curl -sS -f -o "$tmp/response.json" -w '%{http_code} in %{time_total} s' "${header[@]}" "$api$path")
sleep 1
psql_ -d postgres -c "ALTER SYSTEM RESET log_statement" -c "SELECT pg_reload_conf()" >/dev/null
tail -c +$((offset + 1)) "$pg_log" >"$tmp/log.csv"
dotnet "$tool_dll" pgbench-script --log "$tmp/log.csv" --db "$db" --out "$tmp/script.sql" >"$tmp/defs"

commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')
if [[ -n $(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null) ]]; then commit="$commit+changes"; fi
mkdir -p "$(dirname "$out")"
{
  echo "# bench/explain.sh $out $api '$path'${key:+ <key>}"
  echo "# commit $commit; $(date -u +'%Y-%m-%d %H:%M UTC'); load average $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
  echo "# database $db: $(psql_ -d "$db" -Atc "SELECT (SELECT count(*) FROM detainees) || ' detainees, ' || (SELECT count(*) FROM releases) || ' releases, ' || pg_size_pretty(pg_database_size(current_database()))")"
  echo "# the request, logged: HTTP $took; $(grep -c '^-- statement' "$tmp/script.sql") statements"
  echo "# PostgreSQL $(psql_ -d "$db" -Atc 'SHOW server_version'); shared_buffers $(psql_ -d "$db" -Atc 'SHOW shared_buffers'), work_mem $(psql_ -d "$db" -Atc 'SHOW work_mem'), random_page_cost $(psql_ -d "$db" -Atc 'SHOW random_page_cost')"
  # Each statement with its values in place: ":sN_pM" -> 'value' (quotes doubled).
  awk -v defs="$tmp/defs" -v dir="$tmp" '
    BEGIN { while ((getline line < defs) > 0) { i = index(line, "="); v = substr(line, i + 1); gsub(/\x27/, "\x27\x27", v); val[substr(line, 1, i - 1)] = "\x27" v "\x27" } }
    /^-- statement / { n = $3; next }
    { s = $0; o = ""
      while (match(s, /:s[0-9]+_p[0-9]+/)) { name = substr(s, RSTART + 1, RLENGTH - 1); o = o substr(s, 1, RSTART - 1) ((name in val) ? val[name] : substr(s, RSTART, RLENGTH)); s = substr(s, RSTART + RLENGTH) }
      stmt[n] = stmt[n] o s "\n" }
    END { for (i = 1; i <= n; i++) { f = sprintf("%s/stmt-%03d.sql", dir, i); printf "%s", stmt[i] > f; close(f) } }
  ' "$tmp/script.sql"
  for f in "$tmp"/stmt-*.sql; do
    sql=$(sed -e 's/;[[:space:]]*$//' "$f")
    echo
    echo "-- ---- statement $(basename "$f" .sql | sed 's/stmt-0*//') --------------------------------------------------------"
    echo "$sql;"
    echo
    psql_ -d "$db" -P pager=off -c "EXPLAIN (ANALYZE, BUFFERS) $sql"
  done
} >"$out"
echo "explain.sh: $(grep -c '^-- ---- statement' "$out") statements explained into $out (request: HTTP $took)"
