-- wrk script for the ingest bench: every request is a webhook event with an id no other request
-- has, signed the way its provider signs (HMAC-SHA256 through the libcrypto wrk links, by LuaJIT's
-- FFI), so the gateway does its whole work for each one.
--
-- Environment:
--   SCHEME    stripe (Stripe-Signature: t=…,v1=HMAC(secret, t.body)) or meta (X-Hub-Signature-256)
--   SECRET    the signing secret;  TEMPLATE  the body, in which ID_TOKEN is replaced per request
--   ID_TOKEN  the id to replace;   EXPECT    the one status every answer must have (default 200)
--   RATE      optional: total requests/s across THREADS threads (open loop, see delay() below)
--   THREADS   wrk's -t, needed with RATE
--   TARGETS   optional: host:port,host:port,… — thread n sends to the n-th (round-robin), so one wrk
--             drives several replicas; the URL on the command line gives the path
--   ALLOW     optional: another status counted as "unavailable", not wrong (503 while a broker fails
--             over: the event was not journaled and the provider sends it again)
-- Prints one RESULT line; the bench fails when wrong > 0 (any other status or any socket error).
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
const void *EVP_sha256(void);
unsigned char *HMAC(const void *md, const void *key, int key_len, const unsigned char *data, size_t data_len,
                    unsigned char *out, unsigned int *out_len);
]]
local ok, crypto = pcall(function() return ffi.C.HMAC and ffi.C end)
if not ok then crypto = ffi.load("libcrypto.so.3") end

local scheme = os.getenv("SCHEME") or "stripe"
local secret = assert(os.getenv("SECRET"), "SECRET")
local id_token = assert(os.getenv("ID_TOKEN"), "ID_TOKEN")
local expect = tonumber(os.getenv("EXPECT") or "200")
local allow = tonumber(os.getenv("ALLOW") or "-1")
local f = assert(io.open(assert(os.getenv("TEMPLATE"), "TEMPLATE"), "rb"))
local template = f:read("*a")
f:close()
local id_start, id_end = string.find(template, id_token, 1, true)
assert(id_start, "ID_TOKEN not in TEMPLATE")
local head, tail = string.sub(template, 1, id_start - 1), string.sub(template, id_end + 1)
local id_kind = id_token:match("^%a+_") or "" -- "evt_" for Stripe; nothing for a WhatsApp message id

local digest = ffi.new("unsigned char[32]")
local digest_len = ffi.new("unsigned int[1]")
local function hmac_hex(data)
  crypto.HMAC(crypto.EVP_sha256(), secret, #secret, data, #data, digest, digest_len)
  local hex = {}
  for i = 0, 31 do hex[i + 1] = string.format("%02x", digest[i]) end
  return table.concat(hex)
end

local ts = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local threads = {}
local thread_count = 0
local targets = {}
for t in string.gmatch(os.getenv("TARGETS") or "", "[^,]+") do
  local host, port = string.match(t, "^(.+):(%d+)$")
  table.insert(targets, wrk.lookup(host, port)[1])
end
function setup(thread)
  thread_count = thread_count + 1
  thread:set("tid", thread_count)
  if #targets > 0 then thread.addr = targets[(thread_count - 1) % #targets + 1] end
  table.insert(threads, thread)
end

local path = "/"
function init(args)
  path = wrk.path
  seq = 0
  wrong = 0
  unavailable = 0
  late1 = 0   -- sends that left more than 1 ms after their slot
  late10 = 0  -- … more than 10 ms
  max_late = 0
  sent = 0
  local rate = tonumber(os.getenv("RATE") or "")
  if rate then
    interval = tonumber(os.getenv("THREADS")) * 1000 / rate
  end
  -- seconds and nanoseconds: two runs started in the same second must not send the same ids
  ffi.C.clock_gettime(0, ts) -- CLOCK_REALTIME
  run_id = tostring(tonumber(ts.tv_sec)) .. string.format("%09d", tonumber(ts.tv_nsec))
end

function request()
  seq = seq + 1
  sent = sent + 1
  -- after the id's kind (Stripe's "evt_"), a scrambled start spreads the ids over the key space, as
  -- providers' random ids are (ids sharing a prefix would make a store's lookups hit the same cached
  -- blocks); the rest keeps each one unique
  local spread = string.format("%08x", (seq * 2654435761 + tid * 40503) % 4294967296)
  local body = head .. id_kind .. spread .. "bench" .. run_id .. "t" .. tid .. "n" .. seq .. tail
  local headers = { ["Content-Type"] = "application/json" }
  if scheme == "stripe" then
    local t = tostring(os.time())
    headers["Stripe-Signature"] = "t=" .. t .. ",v1=" .. hmac_hex(t .. "." .. body)
  else
    headers["X-Hub-Signature-256"] = "sha256=" .. hmac_hex(body)
  end
  return wrk.format("POST", path, headers, body)
end

-- Open loop: the thread's sends have fixed slots RATE/THREADS apart, and whichever of its
-- connections is free takes the next slot. With enough connections the latency wrk measures is
-- the gateway's alone; a slot no connection was free for is counted as late, and the bench reports
-- how many were, so a run where the generator could not hold the rate is visible, not hidden.
function delay()
  if not interval then return 0 end
  local now = now_ms()
  if not next_slot then next_slot = now end
  local slot = next_slot
  next_slot = next_slot + interval
  local wait = slot - now
  if wait < 0 then
    if -wait > 1 then late1 = late1 + 1 end
    if -wait > 10 then late10 = late10 + 1 end
    if -wait > max_late then max_late = -wait end
    return 0
  end
  return math.floor(wait)
end

function response(status, headers, body)
  if status == allow then
    unavailable = unavailable + 1
  elseif status ~= expect then
    wrong = wrong + 1
    if wrong <= 3 then
      io.stderr:write("unexpected status " .. status .. ": " .. string.sub(body or "", 1, 300) .. "\n")
    end
  end
end

function done(summary, latency, requests)
  local bad, unavail, l1, l10, ml = 0, 0, 0, 0, 0
  for _, t in ipairs(threads) do
    bad = bad + t:get("wrong")
    unavail = unavail + t:get("unavailable")
    l1 = l1 + t:get("late1")
    l10 = l10 + t:get("late10")
    ml = math.max(ml, t:get("max_late"))
  end
  local socket_errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f wrong=%d unavailable=%d late_1ms=%d late_10ms=%d max_late_ms=%.1f\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000, bad + socket_errors, unavail, l1, l10, ml))
end
