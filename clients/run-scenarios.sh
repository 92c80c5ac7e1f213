#!/usr/bin/env bash
# Generates clients from docs/openapi.json, builds them and runs the partner scenario with each against a running API.
#
#   clients/run-scenarios.sh BASE_URL ADMIN_KEY [typescript] [nswag] [kiota]     (all three when none is named)
#   e.g. after ./run.sh:  clients/run-scenarios.sh http://localhost:5080 "$(cat .data/admin-key)"
#
# Generated code goes to clients/typescript/generated, clients/nswag/Generated and clients/kiota/Generated (git
# ignores them) and is never edited: a scenario that needs an edit, a cast or a hand-written handler to run is a gap in
# the document. Each scenario stops at its first failed step; this script runs every scenario asked for, prints how
# long each part took, and exits 1 when any failed.
# Needs Node.js 20+ with npm and the .NET SDK; the generators come pinned from clients/typescript/package-lock.json
# and dotnet-tools.json.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
# Kiota: no update check (it would reach for the internet), no hints, no telemetry.
export KIOTA_OFFLINE_ENABLED=true KIOTA_TUTORIAL_ENABLED=false KIOTA_CLI_TELEMETRY_OPTOUT=true

if [[ $# -lt 2 ]]; then
  sed -n '2,12p' "$0" >&2
  exit 2
fi
export PRT_BASE_URL=${1%/} PRT_ADMIN_KEY=$2
shift 2
scenarios=("$@")
[[ ${#scenarios[@]} -gt 0 ]] || scenarios=(typescript nswag kiota)

timings=()
# seconds_since MICROSECONDS: the time since then, in seconds with one decimal.
seconds_since() { local tenths=$(((${EPOCHREALTIME/./} - $1) / 100000)); printf '%5d.%d' $((tenths / 10)) $((tenths % 10)); }
failed=()
# part NAME COMMAND...: runs one part, records its time; the output goes to the terminal.
part() {
  local name=$1 started status=0
  shift
  echo "--- $name: $*"
  started=${EPOCHREALTIME/./}
  "$@" || status=$?
  timings+=("$(seconds_since "$started") s  $name$([[ $status -eq 0 ]] || echo "  (FAILED, exit $status)")")
  return "$status"
}

typescript() {
  local dir=clients/typescript
  part "typescript: npm ci" npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error &&
    part "typescript: generate (openapi-typescript)" "$dir/node_modules/.bin/openapi-typescript" docs/openapi.json -o "$dir/generated/api.d.ts" &&
    part "typescript: compile (tsc --strict)" "$dir/node_modules/.bin/tsc" --strict -p "$dir/tsconfig.json" &&
    part "typescript: scenario" node "$dir/dist/src/scenario.js"
}

nswag() {
  rm -rf clients/nswag/Generated
  part "nswag: generate (nswag.json)" dotnet nswag run clients/nswag/nswag.json &&
    part "nswag: build" dotnet build clients/nswag -c Release --nologo -v quiet -clp:NoSummary &&
    part "nswag: scenario" dotnet clients/nswag/bin/Release/net10.0/PrtNSwagScenario.dll
}

kiota() {
  part "kiota: generate" dotnet kiota generate --language CSharp --openapi docs/openapi.json --output clients/kiota/Generated \
    --class-name PrtClient --namespace-name Prt.KiotaClient --exclude-backward-compatible --clean-output --log-level Warning &&
    part "kiota: build" dotnet build clients/kiota -c Release --nologo -v quiet -clp:NoSummary &&
    part "kiota: scenario" dotnet clients/kiota/bin/Release/net10.0/PrtKiotaScenario.dll
}

if [[ " ${scenarios[*]} " =~ \ (nswag|kiota)\  ]]; then
  part "dotnet tool restore" dotnet tool restore >/dev/null || failed+=("dotnet tool restore")
fi
for scenario in "${scenarios[@]}"; do
  case $scenario in
    typescript | nswag | kiota) "$scenario" || failed+=("$scenario") ;;
    *) echo "unknown scenario '$scenario' (typescript, nswag, kiota)" >&2; exit 2 ;;
  esac
done

echo "--- time per part"
printf '  %s\n' "${timings[@]}"
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "client scenarios FAILED: ${failed[*]}"
  exit 1
fi
echo "client scenarios passed: ${scenarios[*]}"
