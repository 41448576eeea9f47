-- 100 connections read results of 100 polls.
dofile("xtask/bench/common.lua")
expected = 200
function request()
  n = n + 1
  return wrk.format("GET", "/api/v1/polls/" .. ((n % 100) + 1) .. "/results")
end
