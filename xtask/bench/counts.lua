-- 100 connections poll the convention's count, as open progress bars do.
dofile("xtask/bench/common.lua")
expected = 200
function request()
  n = n + 1
  return wrk.format("GET", "/api/v1/conventions/1/count")
end
