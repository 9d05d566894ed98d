-- wrk script for benchmarks/load: a mix of reads (GET /api/incidents/{id}) and writes (PUT .../status) over
-- existing incidents, optionally paced to a fixed total rate, with p50/p99/p99.9 and the non-2xx count printed
-- as one machine-readable line.
--
--   wrk -s mix.lua URL -- IDS_FILE READ_PERCENT [RATE_PER_SECOND]
--
-- Pacing: wrk keeps each connection closed-loop; delay() holds the next request until this thread's next slot
-- (thread rate = RATE / threads), so the service sees a steady rate while it keeps up. Latency is measured from
-- the request's send, as wrk does; with connections to spare at half load, requests rarely wait for a slot late.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } lb_timespec;
  int clock_gettime(int clk_id, lb_timespec *tp);
]]
local ts = ffi.new("lb_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_no", counter)
  table.insert(threads, thread)
end

local ids = {}
local read_percent = 90
local interval_ms = 0
local next_slot = nil
local statuses = { "investigating", "fixing", "monitoring", "closed" }
local non2xx = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then ids[#ids + 1] = line end
  end
  if #ids == 0 then error("no incident ids in " .. args[1]) end
  read_percent = tonumber(args[2])
  local rate = tonumber(args[3] or "0")
  if rate > 0 then
    -- wrk.thread count is not visible here; benchmarks/load passes the per-thread rate's inverse via WRK_THREADS.
    local nthreads = tonumber(os.getenv("WRK_THREADS") or "1")
    interval_ms = 1000 * nthreads / rate
  end
  math.randomseed(os.time() * 1000 + (thread_no or 0))
end

function delay()
  if interval_ms == 0 then return 0 end
  local now = now_ms()
  if next_slot == nil or next_slot < now - interval_ms * 4 then next_slot = now end
  local slot = next_slot
  next_slot = next_slot + interval_ms
  local wait = slot - now
  if wait < 0 then return 0 end
  return wait
end

function request()
  local id = ids[math.random(#ids)]
  if math.random(100) <= read_percent then
    return wrk.format("GET", "/api/incidents/" .. id)
  end
  local body = '{"status": "' .. statuses[math.random(#statuses)] .. '"}'
  return wrk.format("PUT", "/api/incidents/" .. id .. "/status", { ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if non2xx <= 3 then io.stderr:write("non-2xx answer " .. status .. ": " .. string.sub(body or "", 1, 200) .. "\n") end
  end
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "LOADRESULT requests=%d seconds=%.3f rps=%.1f p50_us=%d p99_us=%d p999_us=%d max_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end
