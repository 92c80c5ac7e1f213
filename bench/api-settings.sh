# The API as the bench runs it, sourced by bench/run.sh and bench/cpu-ab.sh (see "What a run does", step 4, in
# bench/README.md): Production, the rate limiter on with permits no run reaches, no request timeout or short statement
# budget that would cut a slow answer rather than measure it, no webhook dispatcher, no background fold.
# shellcheck shell=bash disable=SC2034  # read by the scripts that source it
bench_api_settings=(
  "ASPNETCORE_ENVIRONMENT=Production"
  "Caching__Totals__Enabled=false"
  "RateLimiting__Enabled=true"
  "RateLimiting__Anonymous__PermitLimit=2000000000"
  "RateLimiting__Keyed__PermitLimit=2000000000"
  "Limits__RequestTimeoutSeconds=3600"
  "Budget__AnonymousComputations__PermitLimit=256"
  "Budget__AnonymousComputations__QueueLimit=4096"
  "Budget__ShortStatementTimeoutSeconds=3600"
  "Webhooks__Dispatch=false"
  "Totals__Fold__IntervalSeconds=0"
)
