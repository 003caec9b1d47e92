-- Shared by the bench/wrk scripts: count statuses, print latency percentiles and throughput.
local threads = {}
function setup(thread) table.insert(threads, thread) end
statuses = {}
function count_status(status)
  statuses[status] = (statuses[status] or 0) + 1
end
function response(status, headers, body)
  count_status(status)
  if on_response then on_response(status, headers, body) end
end
function done(summary, latency, requests)
  local tot = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("statuses")) do tot[k] = (tot[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(tot) do table.insert(parts, k .. "=" .. v) end
  io.write("STATUS_COUNTS " .. table.concat(parts, " ") .. "\n")
  io.write(string.format("LAT_US p50=%d p90=%d p99=%d max=%d\n", latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.max))
  io.write(string.format("REQS %d DURATION_S %.2f RPS %.1f ERRORS connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status,
    summary.errors.timeout))
end
