-- Shared wrk hooks: per-thread ids and a summary the xtask reads.
local threads = {}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  ok, bad, n = 0, 0, 0
end
function response(status, headers, body)
  if status == expected then ok = ok + 1 else bad = bad + 1 end
end
function done(summary, latency, requests)
  local total_ok, total_bad = 0, 0
  for _, t in ipairs(threads) do
    total_ok = total_ok + t:get("ok")
    total_bad = total_bad + t:get("bad")
  end
  local secs = summary.duration / 1e6
  io.write(string.format("ok_total %d\nok_per_sec %.1f\nerrors %d\n", total_ok, total_ok / secs, total_bad))
  io.write(string.format("p50_ms %.3f\np99_ms %.3f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
