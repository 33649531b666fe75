-- wrk script of `make bench` (bench/load.py runs it; see docs/bench.md).
--
-- BENCH_MODE=fixed   every request is the URL given on wrk's command line (cached page, static file).
-- BENCH_MODE=list    every request is a different filtered list under BENCH_PREFIX (/candidaturas or
--                    /api/v1/candidaturas): municipio, cargo, distrito, partido, sexo or a name fragment, plus
--                    a unique `v` parameter that the filters ignore but that makes every request a cache miss.
--                    BENCH_MUNICIPIOS, BENCH_NAMES and BENCH_POSTULANTES are comma-separated lists.
-- Whatever the mode, `done` prints one line `BENCH_JSON {...}` with the counts and latency percentiles (µs).

local mode = os.getenv("BENCH_MODE") or "fixed"

local function split(text)
  local items = {}
  for item in string.gmatch(text or "", "[^,]+") do
    items[#items + 1] = item
  end
  return items
end

local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
  thread:set("tid", #threads)
end

if mode == "list" then
  local prefix = os.getenv("BENCH_PREFIX") or "/candidaturas"
  local municipios = split(os.getenv("BENCH_MUNICIPIOS"))
  local names = split(os.getenv("BENCH_NAMES"))
  local postulantes = split(os.getenv("BENCH_POSTULANTES"))
  local local_cargos = { "PRES_MUN", "SIND", "REG_MR", "REG_RP" }
  local all_cargos = { "DIP_MR", "DIP_RP", "PRES_MUN", "SIND", "REG_MR", "REG_RP" }
  local sexos = { "mujer", "hombre" }
  local counter = 0

  local function pick(list)
    return list[math.random(#list)]
  end

  function init(args)
    math.randomseed(os.time() * 100 + (tid or 0))
  end

  function request()
    counter = counter + 1
    local kind = math.random(6)
    local query
    if kind == 1 then
      query = "municipio=" .. pick(municipios)
    elseif kind == 2 then
      query = "cargo=" .. pick(local_cargos) .. "&municipio=" .. pick(municipios)
    elseif kind == 3 then
      query = "q=" .. pick(names)
    elseif kind == 4 then
      query = "postulante=" .. pick(postulantes) .. "&cargo=" .. pick(all_cargos)
    elseif kind == 5 then
      query = "sexo=" .. pick(sexos) .. "&municipio=" .. pick(municipios)
    else
      query = "cargo=DIP_MR&distrito=" .. math.random(24)
    end
    return wrk.format("GET", prefix .. "?" .. query .. "&v=" .. (tid or 0) .. "." .. counter)
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
