-- wrk script for bench/run.sh. Environment:
--   WRK_PATHS  file with one request path per line (query strings URL-encoded); each request picks one at random
--   WRK_KEY    optional X-Api-Key header
-- Prints one line at the end: RESULT requests duration_us p50_ms p99_ms mean_ms non2xx socket_errors
local paths = {}
local headers = {}

local function load()
  local file = assert(io.open(os.getenv("WRK_PATHS"), "r"))
  for line in file:lines() do
    if #line > 0 then paths[#paths + 1] = line end
  end
  file:close()
  local key = os.getenv("WRK_KEY")
  if key and #key > 0 then headers["X-Api-Key"] = key end
end

load()

function setup(thread)
  thread:set("seed", math.random(1, 1000000))
end

function init(args)
  math.randomseed(os.time() + (seed or 0))
end

function request()
  return wrk.format("GET", paths[math.random(#paths)], headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %.3f %.3f %.3f %d %d\n", summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.mean / 1000, e.status,
    e.connect + e.read + e.write + e.timeout))
end
