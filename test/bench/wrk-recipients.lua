-- wrk script for the personalization benchmark (driven by wrk.ts): every request names another
-- recipient, a stride through the profiles that visits each once, like personalize.ts's own paths.
-- Arguments after `--`: profiles, first index, stride, the path up to the index, the path after it.
-- At the end it prints one line of counts and the latency at 1,000 evenly spaced quantiles, from
-- which wrk.ts merges rounds (wrk's own summary gives only a few fixed percentiles).

local profiles, k, stride, head, tail

function init(args)
  profiles = tonumber(args[1])
  k = tonumber(args[2])
  stride = tonumber(args[3])
  head = args[4]
  tail = args[5]
end

function request()
  k = (k + stride) % profiles
  return wrk.format(nil, head .. k .. tail)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "wrk-counts requests=%d duration_us=%d status=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, errors.status, errors.connect, errors.read, errors.write,
    errors.timeout))
  local quantiles = {}
  for i = 1, 1000 do quantiles[i] = latency:percentile(i / 10) end
  io.write("wrk-quantiles-us " .. table.concat(quantiles, " ") .. "\n")
end
