-- Shared by the bench/wrk scripts: count statuses, print latency percentiles and throughput.
-- SPAN_S is the time from a thread's start to its last counted response (monotonic
-- clock through LuaJIT's FFI): the rate of a run that consumed a pre-minted list and stopped
-- early (bench/wrk/list.lua) is counted over that span, not over wrk's fixed duration.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } kiosque_timespec;
  int clock_gettime(int clock_id, kiosque_timespec *tp);
]]
local clock = ffi.new("kiosque_timespec")
function now()
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) + tonumber(clock.tv_nsec) * 1e-9
end
local threads = {}
function setup(thread) table.insert(threads, thread) end
statuses = {}
first_request, last_response, stopped = 0, 0, false
function count_status(status)
  statuses[status] = (statuses[status] or 0) + 1
end
function init(args)
  first_request = now() -- the thread starts: wrk connects, then sends its first requests
end
function response(status, headers, body)
  if stopped then return end -- answers to requests sent after a list ran out
  last_response = now()
  count_status(status)
  if on_response then on_response(status, headers, body) end
end
function done(summary, latency, requests)
  local tot, span, exhausted = {}, 0, 0
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("statuses")) do tot[k] = (tot[k] or 0) + v end
    local first, last = t:get("first_request"), t:get("last_response")
    if first > 0 and last > first and last - first > span then span = last - first end
    if t:get("stopped") then exhausted = 1 end
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
  io.write(string.format("SPAN_S %.4f EXHAUSTED %d\n", span, exhausted))
end
