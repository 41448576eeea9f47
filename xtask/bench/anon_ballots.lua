-- 100 connections cast ballots on 100 anonymous polls (ids 101–200); every
-- request is a new device. Each commit holding one is followed by a WAL
-- checkpoint and truncation (docs/security.md), which this measures.
dofile("xtask/bench/common.lua")
expected = 201
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
function request()
  n = n + 1
  local poll = (n % 100) + 101
  wrk.headers["X-Tongxin-Device"] = string.format("anon-%02d-%012d", tid, n)
  local body = string.format('{"kind":"single","option":%d}', (n % 3) + 1)
  return wrk.format(nil, "/api/v1/polls/" .. poll .. "/ballots", nil, body)
end
