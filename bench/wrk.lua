-- wrk script of `make bench` (bench/load.py runs it; see docs/bench.md).
--
-- BENCH_MODE=fixed   every request is the URL given on wrk's command line (cached page, static file).
-- BENCH_MODE=queries every request is a different filtered list under BENCH_PREFIX (/candidaturas or
--                    /api/v1/candidaturas): the query strings of the file BENCH_QUERIES, one a line, each used
--                    once (bench/listas.py draws them from the published rows; past the end they repeat).
-- Whatever the mode, `done` prints one line `BENCH_JSON {...}` with the counts and latency percentiles (µs).

local mode = os.getenv("BENCH_MODE") or "fixed"

local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
  thread:set("tid", #threads)
end

if mode == "queries" then
  -- Thread t of wrk's (at most two) takes lines t, t + 2, t + 4… so no two requests of a run repeat a line.
  local prefix = os.getenv("BENCH_PREFIX") or "/candidaturas"
  local queries = {}
  local counter = 0

  function init(args)
    for line in io.lines(os.getenv("BENCH_QUERIES")) do
      if line ~= "" then
        queries[#queries + 1] = line
      end
    end
  end

  function request()
    local index = ((tid or 1) - 1 + 2 * counter) % #queries + 1
    counter = counter + 1
    return wrk.format("GET", prefix .. "?" .. queries[index])
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, "write": %d, '
      .. '"status": %d, "timeout": %d, "p50": %d, "p90": %d, "p95": %d, "p99": %d, "max": %d, "mean": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean
  ))
end
