-- wrk script of the outbound bench (bench/outbound.sh), three kinds of mode:
--   MODE=send   POST /api/v1/whatsapp/messages, every request a text no other request has, with its
--               own Idempotency-Key, so the gateway does its whole accept for each one (EXPECT 202)
--   MODE=usage  GET /api/v1/usage, the authenticated baseline of the same API (EXPECT 200)
--   MODE=step-<name>  POST /api/v1/bench/accept-steps/<name> with the send's body and key: the accept's door
--               and one of its steps (door, quota, record, enqueue; WhatsAppAcceptSteps, EXPECT 202)
-- Environment: API_KEY, MODE, EXPECT, CONTACTS and THREADS (below), RUN (a prefix no earlier run used),
--   ID_DIR (send: each thread appends the message ids of its 202 answers to ID_DIR/ids-<thread>).
-- Prints one RESULT line; the bench fails when wrong > 0 (any other status or any socket error).
local api_key = assert(os.getenv("API_KEY"), "API_KEY")
local mode = os.getenv("MODE") or "send"
local step = string.match(mode, "^step%-(%a+)$")
assert(mode == "send" or mode == "usage" or step == "door" or step == "quota" or step == "record" or step == "enqueue",
  "unknown MODE " .. mode)
local expect = tonumber(os.getenv("EXPECT") or ((mode == "send" or step) and "202" or "200"))
-- CONTACTS: the sends go round the first CONTACTS contacts (+5215500000000, +5215500000001, …), as
-- bench/OutboundBench.java's window opens them; 1 sends every message to one contact's conversation
local contacts = tonumber(os.getenv("CONTACTS") or "1")
local wrk_thread_count = tonumber(os.getenv("THREADS") or "1") -- wrk's -t: each thread's sends interleave with the others'

local run = os.getenv("RUN") or tostring(os.time())
local id_dir = os.getenv("ID_DIR")

local threads = {}
local thread_count = 0
function setup(thread)
  thread_count = thread_count + 1
  thread:set("tid", thread_count)
  table.insert(threads, thread)
end

function init(args)
  seq = 0
  wrong = 0
  accepted = 0
  if mode == "send" and id_dir then
    ids = assert(io.open(id_dir .. "/ids-" .. run .. "-" .. tid, "w"))
    ids:setvbuf("line") -- wrk has no per-thread end hook to flush in
  end
end

function request()
  if mode ~= "send" and not step then
    return wrk.format("GET", "/api/v1/usage", { ["X-Api-Key"] = api_key })
  end
  seq = seq + 1
  local unique = run .. "t" .. tid .. "n" .. seq
  local to = "+52155000" .. string.format("%05d", ((seq - 1) * wrk_thread_count + tid - 1) % contacts)
  local body = '{"to":"' .. to .. '","type":"text","text":{"body":"Su cita es mañana a las 10:00 (' .. unique .. ')"}}'
  return wrk.format("POST", step and ("/api/v1/bench/accept-steps/" .. step) or "/api/v1/whatsapp/messages",
    { ["X-Api-Key"] = api_key, ["Content-Type"] = "application/json", ["Idempotency-Key"] = unique }, body)
end

function response(status, headers, body)
  if status ~= expect then
    wrong = wrong + 1
    if wrong <= 3 then
      io.stderr:write("unexpected status " .. status .. ": " .. string.sub(body or "", 1, 300) .. "\n")
    end
  elseif ids then
    local id = string.match(body, '"id":"(msg_[0-9a-f]+)"')
    if id then
      ids:write(id, "\n")
      accepted = accepted + 1
    else
      wrong = wrong + 1
      if wrong <= 3 then
        io.stderr:write("202 without a message id: " .. string.sub(body or "", 1, 300) .. "\n")
      end
    end
  elseif step and not string.match(body or "", '"id":"msg_[0-9a-f]+"') then
    wrong = wrong + 1 -- a step answers as the accept does
    if wrong <= 3 then
      io.stderr:write("step " .. step .. ": 202 without a message id: " .. string.sub(body or "", 1, 300) .. "\n")
    end
  end
end

function done(summary, latency, requests)
  local bad, ok = 0, 0
  for _, t in ipairs(threads) do
    bad = bad + t:get("wrong")
    ok = ok + t:get("accepted")
  end
  local socket_errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f wrong=%d accepted=%d"
      .. " socket_errors=connect:%d,read:%d,write:%d,timeout:%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, bad + socket_errors, ok,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
