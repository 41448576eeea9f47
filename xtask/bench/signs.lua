-- 100 connections sign one convention; every request is a new device.
dofile("xtask/bench/common.lua")
expected = 201
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
function request()
  n = n + 1
  wrk.headers["X-Tongxin-Device"] = string.format("sign-%02d-%012d", tid, n)
  local body = '{"display_name":"张伟","unit_id":1,"agreed":true}'
  return wrk.format(nil, "/api/v1/conventions/1/signatures", nil, body)
end
