-- wrk script: POSTs one JSON body, counts every answer that is not the expected status, and prints
-- a machine-readable line the bench reads. Set by the bench: wrk.path, BODY_FILE, EXPECT, headers.
local body_file = os.getenv("BODY_FILE")
local expect = tonumber(os.getenv("EXPECT") or "200")
local f = assert(io.open(body_file, "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
for k, v in string.gmatch(os.getenv("HEADERS") or "", "([^:;]+):([^;]+)") do
  wrk.headers[k] = v
end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  wrong = 0
end

function response(status, headers, body)
  if status ~= expect then
    wrong = wrong + 1
    if wrong <= 3 then
      io.stderr:write("unexpected status " .. status .. ": " .. string.sub(body or "", 1, 300) .. "\n")
    end
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do
    bad = bad + t:get("wrong")
  end
  bad = bad + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f wrong=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, bad))
end
