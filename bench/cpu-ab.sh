#!/usr/bin/env bash
# bench/cpu-ab.sh DLL_A DLL_B PATHS KEY N ROUNDS: two builds of the API, with the bench's settings, on the database of a
# cluster that bench/run.sh --keep left (BENCH_PG_PORT, default 5455; BENCH_DB, default prt_main), each warmed,
# then alternating rounds of N requests (h2load, 8 connections) over PATHS (one path a line, as run.sh writes them in
# its results); prints each API's CPU microseconds per request: utime + stime of the process from /proc/<pid>/stat,
# which the machine's load moves far less than a rate, and the same of PostgreSQL: the backends connected to the
# database during the round (the APIs' pools, warm by then; a backend that starts or ends within it is missed).
# Ports: BENCH_AB_PORT (default 7100) and the next one.
set -euo pipefail
[[ $# == 6 ]] || { sed -n '2,8s/^# \{0,1\}//p' "$0"; exit 2; }
dll_a=$1 dll_b=$2 paths=$3 key=$4 n=$5 rounds=$6
# shellcheck source=bench/api-settings.sh
source "$(dirname "${BASH_SOURCE[0]}")/api-settings.sh"
pg_port=${BENCH_PG_PORT:-5455} db=${BENCH_DB:-prt_main} port_a=${BENCH_AB_PORT:-7100} port_b=$((${BENCH_AB_PORT:-7100} + 1))
start() { # DLL PORT
  (cd "$(dirname "$1")" && exec env -u DOTNET_ENVIRONMENT "${bench_api_settings[@]}" \
    "ConnectionStrings__Default=Host=127.0.0.1;Port=$pg_port;Database=$db;Username=postgres;Maximum Pool Size=200" \
    ASPNETCORE_URLS=http://127.0.0.1:$2 dotnet "$(basename "$1")") >/tmp/cpu-ab-$2.log 2>&1 &
  echo $!
}
pid_a=$(start "$dll_a" $port_a); pid_b=$(start "$dll_b" $port_b)
trap 'kill $pid_a $pid_b 2>/dev/null || true' EXIT
for port in $port_a $port_b; do for _ in $(seq 1 300); do curl -sf http://127.0.0.1:$port/health/ready >/dev/null && break; sleep 0.2; done; done
for port in $port_a $port_b; do sed "s#^#http://127.0.0.1:$port#" "$paths" >/tmp/ab-$port; done
for port in $port_a $port_b; do h2load --h1 -n 12000 -c 8 -t 1 -H "X-Api-Key: $key" -i /tmp/ab-$port >/dev/null; done
hz=$(getconf CLK_TCK)
ticks() { awk '{print $14 + $15}' /proc/$1/stat; }
backends() { psql -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -Atc "SELECT pid FROM pg_stat_activity WHERE datname = '$db'"; }
pg_ticks() { # the CPU ticks of the backends named in the file $1 that are still there
  local pid sum=0 t
  while read -r pid; do t=$(awk '{print $14 + $15}' /proc/"$pid"/stat 2>/dev/null || echo 0); sum=$((sum + t)); done <"$1"
  echo $sum
}
measure() { # LABEL PID PORT
  local before after out pg_before pg_after
  backends >/tmp/ab-backends
  before=$(ticks "$2"); pg_before=$(pg_ticks /tmp/ab-backends)
  out=$(h2load --h1 -n "$n" -c 8 -t 1 -H "X-Api-Key: $key" -i /tmp/ab-$3)
  after=$(ticks "$2"); pg_after=$(pg_ticks /tmp/ab-backends)
  echo "$1 $(( (after - before) * 1000000 / hz / n )) us/request, PostgreSQL $(( (pg_after - pg_before) * 1000000 / hz / n )) us ($(grep -o '[0-9]* succeeded' <<<"$out" | head -1), $(grep -o '[0-9.]* req/s' <<<"$out" | head -1), load $(cut -d' ' -f1 /proc/loadavg))"
}
for ((r = 1; r <= rounds; r++)); do
  if ((r % 2)); then measure A $pid_a $port_a; measure B $pid_b $port_b; else measure B $pid_b $port_b; measure A $pid_a $port_a; fi
done
