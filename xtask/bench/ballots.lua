-- 100 connections cast ballots on 100 polls; every request is a new device.
-- Arguments (after `--`): the first poll id (default 1; the bench's
-- anonymous polls start at 101) and the device-token prefix.
dofile("xtask/bench/common.lua")
expected = 201
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local common_init = init
function init(args)
  common_init(args)
  first_poll = tonumber(args[1] or "1")
  prefix = args[2] or "bench"
end
function request()
  n = n + 1
  local poll = (n % 100) + first_poll
  wrk.headers["X-Tongxin-Device"] = string.format("%s-%02d-%012d", prefix, tid, n)
  local body = string.format('{"kind":"single","option":%d}', (n % 3) + 1)
  return wrk.format(nil, "/api/v1/polls/" .. poll .. "/ballots", nil, body)
end
