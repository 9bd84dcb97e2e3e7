-- wrk script for bench/http_bench.py and bench/load_bench.py.
--
-- The request comes from the environment, so one script serves every query:
--   WRK_METHOD  GET or POST (default GET)
--   WRK_BODY    file whose bytes are the POST body (the SPARQL text)
--   WRK_CTYPE   Content-Type of the body (default application/sparql-query)
--   WRK_ACCEPT  Accept header (default application/sparql-results+json)
-- done() prints one line "WRK_JSON {...}" with the figures the harness reads
-- (latencies in microseconds, over completed requests only).

local method = os.getenv("WRK_METHOD") or "GET"
local accept = os.getenv("WRK_ACCEPT") or "application/sparql-results+json"
wrk.method = method
wrk.headers["Accept"] = accept
if method == "POST" then
  local f = assert(io.open(os.getenv("WRK_BODY"), "rb"))
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = os.getenv("WRK_CTYPE") or "application/sparql-query"
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "mean_us": %.1f, "connect_errors": %d, "read_errors": %d, "write_errors": %d, ' ..
    '"status_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
end
