-- wrk script of bench/diaspora.py: the connections take the paths of the file WRK_PATHS in turn (cycling),
-- signed in with the bearer token WRK_TOKEN, and the run prints one JSON line with wrk's latency percentiles.
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end
local headers = {["Accept-Language"] = "en", ["Authorization"] = "Bearer " .. os.getenv("WRK_TOKEN")}
local sent = 0

request = function()
  sent = sent + 1
  return wrk.format("GET", paths[((sent - 1) % #paths) + 1], headers)
end

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK {"requests": %d, "duration_s": %.6f, "p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, ' ..
    '"http_errors": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout))
end
