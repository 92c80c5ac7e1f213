#!/usr/bin/env bash
# The newcomer check and the generated-client contract check (issue 11), on a clean clone of the current commit.
# CI runs it from .ci/run; by hand: `.ci/contract-check.sh` (uncommitted changes are not in the clone, so not checked).
#
#  1. clones the repository's current commit into a temporary folder;
#  2. runs `./run.sh` there as the README says (its own local PostgreSQL, demo data, Development environment), on
#     free ports (PORT from 5180, PGPORT_LOCAL from 5480; or CONTRACT_CHECK_PORT / CONTRACT_CHECK_PGPORT), and waits
#     until it serves;
#  3. the newcomer check (.ci/newcomer-check.mjs): Swagger UI and its document (equal to docs/openapi.json, servers
#     aside), the operator key run.sh printed and the demo organization's OrganizationAdmin key it keeps in
#     .data/org-admin-key, the README's import example, the README's journalist calls and their figures;
#  4. generates the three clients from docs/openapi.json and builds them while run.sh starts (they need no API), then
#     runs the partner scenario with each (clients/run-scenarios.sh: openapi-typescript + openapi-fetch, NSwag, Kiota);
#  5. stops run.sh (SIGTERM: it stops the API and its PostgreSQL) and removes the folder, also on failure or Ctrl+C
#     (CONTRACT_CHECK_KEEP=1 keeps the folder for a look).
# Prints what it did and how long each part took; exits 1 when any part failed. Needs git, Node.js 20+ and the .NET SDK
# (run.sh installs PostgreSQL's server when it is missing and it runs as root).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

log() { echo "contract-check: $*"; }

# free_port FIRST: the first port from FIRST on that nothing on this machine listens to.
free_port() {
  local port
  for port in $(seq "$1" $(($1 + 99))); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && ! (exec 3<>"/dev/tcp/::1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  log "no free port from $1 to $(($1 + 99))" >&2
  return 1
}

timings=()
# seconds_since MICROSECONDS: the time since then, in seconds with one decimal.
seconds_since() { local tenths=$(((${EPOCHREALTIME/./} - $1) / 100000)); printf '%5d.%d' $((tenths / 10)) $((tenths % 10)); }
record() { timings+=("$(seconds_since "$2") s  $1$([[ $3 -eq 0 ]] || echo "  (FAILED)")"); }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/prt-contract.XXXXXX")
chmod 755 "$tmp" # run.sh's PostgreSQL runs as the postgres user, who must reach the clone's .data folder
clone=$tmp/repo
run_pid=
build_pid=

# shellcheck disable=SC2317  # invoked from the trap
cleanup() {
  local status=$? started=${EPOCHREALTIME/./}
  trap - EXIT INT TERM
  if [[ -n $run_pid ]] && kill -0 "$run_pid" 2>/dev/null; then
    log "stopping run.sh (SIGTERM)"
    kill -TERM "$run_pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$run_pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$run_pid" 2>/dev/null; then
      log "run.sh did not stop in 30 s: killing its process group"
      kill -KILL -- "-$run_pid" 2>/dev/null || true
    fi
    wait "$run_pid" 2>/dev/null || true
  fi
  if [[ -n $build_pid ]] && kill -0 "$build_pid" 2>/dev/null; then
    kill -TERM -- "-$build_pid" 2>/dev/null || true # its own process group: the builds it started stop too
    wait "$build_pid" 2>/dev/null || true
  fi
  if [[ -f $clone/.data/postgres/postmaster.pid ]]; then
    log "PostgreSQL of the clone still running: stopping it"
    "$clone/scripts/pg-local.sh" stop "$clone/.data/postgres" || true
  fi
  record "stop run.sh and clean up" "$started" 0
  if [[ ${CONTRACT_CHECK_KEEP:-0} == 1 ]]; then log "kept $tmp"; else rm -rf "$tmp"; fi
  echo "--- contract check: time per part"
  printf '  %s\n' "${timings[@]}"
  if [[ $status -eq 0 ]]; then echo "contract check passed"; else echo "contract check FAILED"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# 1. A clean clone of the current commit.
started=${EPOCHREALTIME/./}
commit=$(git -C "$root" rev-parse HEAD)
log "cloning $root at ${commit:0:12} into $clone"
git clone -q "$root" "$clone"
git -C "$clone" checkout -q --detach "$commit"
[[ -z $(git -C "$root" status --porcelain 2>/dev/null) ]] || log "note: uncommitted changes in $root are not in the clone"
record "clone" "$started" 0

# 2. ./run.sh, exactly as the README says, on its own ports; wait until it prints where it serves.
started=${EPOCHREALTIME/./}
port=${CONTRACT_CHECK_PORT:-$(free_port 5180)}
pg_port=${CONTRACT_CHECK_PGPORT:-$(free_port 5480)}
base_url=http://localhost:$port
run_log=$tmp/run.sh.log
log "starting ./run.sh with PORT=$port PGPORT_LOCAL=$pg_port (log: $run_log)"
(cd "$clone" && exec env -u ConnectionStrings__Default PORT="$port" PGPORT_LOCAL="$pg_port" setsid ./run.sh </dev/null >"$run_log" 2>&1) &
run_pid=$!

# The clients are generated and built meanwhile (output in a log, shown after the newcomer check).
build_log=$tmp/clients-build.log
build_started=${EPOCHREALTIME/./}
setsid "$clone/clients/run-scenarios.sh" --build-only </dev/null >"$build_log" 2>&1 &
build_pid=$!

admin_key=
# A first run restores packages and builds the API: about a minute on an idle machine, many on a busy one. run.sh
# exits by itself when something fails, so the limit (CONTRACT_CHECK_START_TIMEOUT, 20 minutes) only catches a hang.
for _ in $(seq 1 $((${CONTRACT_CHECK_START_TIMEOUT:-1200} * 2))); do
  admin_key=$(awk '$1 == "Admin" && $2 == "key" { print $3; exit }' "$run_log")
  [[ -z $admin_key ]] && kill -0 "$run_pid" 2>/dev/null || break
  sleep 0.5
done
if [[ -z $admin_key ]]; then
  record "./run.sh until it serves" "$started" 1
  log "./run.sh did not print its Admin key (it exited, or took more than ${CONTRACT_CHECK_START_TIMEOUT:-1200} s); the end of its log:"
  tail -n 40 "$run_log"
  exit 1
fi
record "./run.sh until it serves (restore, build, migrations, demo data)" "$started" 0
log "run.sh serves on $base_url; it printed the Admin key ${admin_key:0:8}…"

status=0
# 3. What a newcomer runs first.
started=${EPOCHREALTIME/./}
part=0
node "$clone/.ci/newcomer-check.mjs" "$base_url" "$admin_key" "$clone" || part=$?
record "newcomer check" "$started" "$part"
[[ $part -eq 0 ]] || status=1

# 4. The three generated clients: wait for their build, then each runs the partner scenario.
part=0
wait "$build_pid" || part=$?
build_pid=
cat "$build_log"
record "generated clients: generate and build, beside run.sh (times per client above)" "$build_started" "$part"
[[ $part -eq 0 ]] || status=1
started=${EPOCHREALTIME/./}
part=0
"$clone/clients/run-scenarios.sh" --run-only "$base_url" "$admin_key" || part=$?
record "generated clients: the partner scenario" "$started" "$part"
[[ $part -eq 0 ]] || status=1

if ! kill -0 "$run_pid" 2>/dev/null; then
  log "run.sh exited during the check; the end of its log:"
  tail -n 40 "$run_log"
  status=1
fi
exit "$status"
