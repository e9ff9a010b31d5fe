-- wrk script for the noisy-neighbour bench: POSTs one JSON body (BODY_FILE) to an /api/** endpoint
-- with the tenant's X-Api-Key (API_KEY), open loop at RATE like webhook.lua, and counts the answers
-- by status. EXPECT lists the statuses that are right ("202" for a tenant within its plan, "202,429"
-- for one sending over it); any other status or socket error counts as wrong and fails the bench.
--
-- Environment: BODY_FILE, API_KEY, EXPECT (default "202"), RATE and THREADS (open loop, optional).
-- Prints one RESULT line (webhook.lua's fields plus s202= and s429=).
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } send_timespec;
int clock_gettime(int clock_id, send_timespec *tp);
]]

local f = assert(io.open(assert(os.getenv("BODY_FILE"), "BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Api-Key"] = assert(os.getenv("API_KEY"), "API_KEY")
local expected = {}
for s in string.gmatch(os.getenv("EXPECT") or "202", "%d+") do expected[tonumber(s)] = true end

local ts = ffi.new("send_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  wrong, s202, s429, late10 = 0, 0, 0, 0
  local rate = tonumber(os.getenv("RATE") or "")
  if rate then interval = tonumber(os.getenv("THREADS") or "1") * 1000 / rate end
end

-- open loop, as in webhook.lua: fixed slots, a slot no connection was free for is counted as late
function delay()
  if not interval then return 0 end
  local now = now_ms()
  if not next_slot then next_slot = now end
  local slot = next_slot
  next_slot = next_slot + interval
  local wait = slot - now
  if wait < 0 then
    if -wait > 10 then late10 = late10 + 1 end
    return 0
  end
  return math.floor(wait)
end

function response(status, headers, body)
  if status == 202 then s202 = s202 + 1 elseif status == 429 then s429 = s429 + 1 end
  if not expected[status] then
    wrong = wrong + 1
    if wrong <= 3 then
      io.stderr:write("unexpected status " .. status .. ": " .. string.sub(body or "", 1, 300) .. "\n")
    end
  end
end

function done(summary, latency, requests)
  local bad, ok, over, l10 = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    bad = bad + t:get("wrong")
    ok = ok + t:get("s202")
    over = over + t:get("s429")
    l10 = l10 + t:get("late10")
  end
  local socket_errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f wrong=%d s202=%d s429=%d late_10ms=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000, bad + socket_errors, ok, over, l10))
end
