-- 100 connections read the district's indicators, as open boards do (from the snapshot).
dofile("xtask/bench/common.lua")
expected = 200
function request()
  n = n + 1
  return wrk.format("GET", "/api/v1/indicators?scope=1&period=12m")
end
