-- 100 connections cast ballots on 100 polls; every request is a new device.
dofile("xtask/bench/common.lua")
expected = 201
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
function request()
  n = n + 1
  local poll = (n % 100) + 1
  wrk.headers["X-Tongxin-Device"] = string.format("bench-%02d-%012d", tid, n)
  local body = string.format('{"kind":"single","option":%d}', (n % 3) + 1)
  return wrk.format(nil, "/api/v1/polls/" .. poll .. "/ballots", nil, body)
end
