-- wrk script: create -> start -> destroy -> delete cycles, one connection per thread so each
-- thread's requests stay in order. Every response must be 2xx; failures are counted.
-- wrk builds (and may discard) one request per thread up front: that one is a harmless GET.
local counter = -1
local thread_id = 0
failures = 0 -- global: read back per thread by done()
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  thread_id = tid
end

local steps = { "create", "start", "destroy", "delete" }

function request()
  if counter < 0 then
    counter = 0
    return wrk.format("GET", "/healthz")
  end
  local cycle = math.floor(counter / 4)
  local step = steps[(counter % 4) + 1]
  local name = string.format("churn-%d-%d", thread_id, cycle)
  counter = counter + 1
  local h = { ["Authorization"] = "Bearer " .. os.getenv("KEEL_TOKEN"), ["Content-Type"] = "application/json" }
  if step == "create" then
    return wrk.format("POST", "/v1/domains", h,
      '{"name":"' .. name .. '","vcpus":1,"memory_mib":64,"boot":{"type":"pvh","kernel":"/k"}}')
  elseif step == "delete" then
    return wrk.format("DELETE", "/v1/domains/" .. name, h)
  end
  return wrk.format("POST", "/v1/domains/" .. name .. "/actions/" .. step, h)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    failures = failures + 1
  end
end

function done(summary, latency, requests)
  local f = 0
  for _, t in ipairs(threads) do
    f = f + t:get("failures")
  end
  io.write(string.format("churn: failed responses: %d\n", f))
end
