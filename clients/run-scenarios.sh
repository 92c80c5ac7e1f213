#!/usr/bin/env bash
# Generates clients from docs/openapi.json, builds them and runs the partner scenario with each against a running API.
#
#   clients/run-scenarios.sh BASE_URL ADMIN_KEY [typescript] [nswag] [kiota]     (all three when none is named)
#   e.g. after ./run.sh:  clients/run-scenarios.sh http://localhost:5080 "$(cat .data/admin-key)"
#   clients/run-scenarios.sh --build-only [typescript] [nswag] [kiota]           generate and build, no API needed
#   clients/run-scenarios.sh --run-only BASE_URL ADMIN_KEY [...]                 run what --build-only built
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

usage() { sed -n '2,14p' "$0" >&2; exit 2; }
build=1 run=1
case ${1:-} in
  --build-only) run=0; shift ;;
  --run-only) build=0; shift ;;
esac
if [[ $run == 1 ]]; then
  [[ $# -ge 2 ]] || usage
  export PRT_BASE_URL=${1%/} PRT_ADMIN_KEY=$2
  shift 2
fi
scenarios=("$@")
[[ ${#scenarios[@]} -gt 0 ]] || scenarios=(typescript nswag kiota)

timings=()
failed=()
# seconds_since MICROSECONDS: the time since then, in seconds with one decimal.
seconds_since() { local tenths=$(((${EPOCHREALTIME/./} - $1) / 100000)); printf '%5d.%d' $((tenths / 10)) $((tenths % 10)); }
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

# built FILE: whether the build left FILE (a build that failed leaves nothing to run).
built() { [[ -f $1 ]] || { echo "--- $1 was not built (its build failed, or run --build-only first)"; return 1; }; }

build_typescript() {
  local dir=clients/typescript
  rm -rf "$dir/generated" "$dir/dist"
  part "typescript: npm ci" npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error &&
    part "typescript: generate (openapi-typescript)" "$dir/node_modules/.bin/openapi-typescript" docs/openapi.json --redocly "$dir/redocly.yaml" -o "$dir/generated/api.d.ts" &&
    part "typescript: compile (tsc --strict)" "$dir/node_modules/.bin/tsc" --strict -p "$dir/tsconfig.json"
}
run_typescript() { built clients/typescript/dist/src/scenario.js && part "typescript: scenario" node clients/typescript/dist/src/scenario.js; }

build_nswag() {
  rm -rf clients/nswag/Generated clients/nswag/bin/Release
  part "nswag: generate (nswag.json)" dotnet nswag run clients/nswag/nswag.json &&
    part "nswag: build" dotnet build clients/nswag -c Release --nologo -v quiet -clp:NoSummary
}
run_nswag() { built clients/nswag/bin/Release/net10.0/PrtNSwagScenario.dll && part "nswag: scenario" dotnet clients/nswag/bin/Release/net10.0/PrtNSwagScenario.dll; }

build_kiota() {
  rm -rf clients/kiota/bin/Release
  part "kiota: generate" dotnet kiota generate --language CSharp --openapi docs/openapi.json --output clients/kiota/Generated \
    --class-name PrtClient --namespace-name Prt.KiotaClient --exclude-backward-compatible --clean-output --log-level Warning &&
    part "kiota: build" dotnet build clients/kiota -c Release --nologo -v quiet -clp:NoSummary
}
run_kiota() { built clients/kiota/bin/Release/net10.0/PrtKiotaScenario.dll && part "kiota: scenario" dotnet clients/kiota/bin/Release/net10.0/PrtKiotaScenario.dll; }

for scenario in "${scenarios[@]}"; do
  [[ $scenario =~ ^(typescript|nswag|kiota)$ ]] || { echo "unknown scenario '$scenario' (typescript, nswag, kiota)" >&2; exit 2; }
done
if [[ $build == 1 && " ${scenarios[*]} " =~ \ (nswag|kiota)\  ]]; then
  part "dotnet tool restore (NSwag, Kiota)" dotnet tool restore >/dev/null || failed+=("dotnet tool restore")
fi
for scenario in "${scenarios[@]}"; do
  if [[ $build == 1 ]] && ! "build_$scenario"; then
    failed+=("$scenario")
  elif [[ $run == 1 ]] && ! "run_$scenario"; then
    failed+=("$scenario")
  fi
done

echo "--- time per part"
printf '  %s\n' "${timings[@]}"
what=$([[ $run == 1 ]] && echo "client scenarios" || echo "client builds")
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "$what FAILED: ${failed[*]}"
  exit 1
fi
echo "$what passed: ${scenarios[*]}"
