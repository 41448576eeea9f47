-- 100 connections cast budget ballots on round 1 (50 projects); every
-- request is a new device choosing three to six projects that fit the fund.
dofile("xtask/bench/common.lua")
expected = 201
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
function request()
  n = n + 1
  wrk.headers["X-Tongxin-Device"] = string.format("budget-%02d-%012d", tid, n)
  local picks = {}
  for k = 0, (n % 4) + 2 do
    table.insert(picks, tostring(((n * 7 + k * 13) % 50) + 1))
  end
  -- Distinct projects only (a repeated one would be refused).
  local seen, unique = {}, {}
  for _, p in ipairs(picks) do
    if not seen[p] then seen[p] = true; table.insert(unique, p) end
  end
  local body = '{"projects":[' .. table.concat(unique, ",") .. ']}'
  return wrk.format(nil, "/api/v1/budgets/1/ballots", nil, body)
end
