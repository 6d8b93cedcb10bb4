-- wrk script for http-bench.sh: each request locks (or, unless MODE=lock, half the time
-- unlocks) one seat of one of 50 users, each user with seats of their own.
local tokens, seats = {}, {}
for line in io.lines("tokens.txt") do tokens[#tokens + 1] = line end
for line in io.lines("seats.txt") do seats[#seats + 1] = line end
local per = math.floor(#seats / #tokens)
local mode = os.getenv("MODE") or "mix"
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
request = function()
  local u = math.random(#tokens)
  local seat = seats[(u - 1) * per + math.random(per)]
  local headers = {["Authorization"] = "Bearer " .. tokens[u], ["Content-Type"] = "application/json"}
  local body = '{"seats":["' .. seat .. '"]}'
  if mode == "lock" or math.random() < 0.5 then
    return wrk.format("POST", "/api/v1/showtimes/3/seats/lock", headers, body)
  end
  return wrk.format("DELETE", "/api/v1/showtimes/3/seats/unlock", headers, body)
end
local codes = {}
response = function(status) codes[status] = (codes[status] or 0) + 1 end
done = function(summary, latency, requests)
  io.write(string.format("%d requests  p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms  %.0f req/s  non-2xx: %d\n",
    summary.requests, latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.requests / (summary.duration / 1e6), summary.errors.status))
end
