-- wrk script: a GET with the bearer token from $KEEL_TOKEN; counts non-2xx responses.
failures = 0 -- global: read back per thread by done()
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function request()
  return wrk.format("GET", nil, { ["Authorization"] = "Bearer " .. os.getenv("KEEL_TOKEN") })
end

function response(status, headers, body)
  if status ~= 200 then
    failures = failures + 1
  end
end

function done(summary, latency, requests)
  local f = 0
  for _, t in ipairs(threads) do
    f = f + t:get("failures")
  end
  io.write(string.format("failed responses: %d (socket errors: connect %d, read %d, write %d, timeout %d)\n",
    f, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
