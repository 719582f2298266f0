--[[
  takeDue: leases the members due by now — a deadline taken is not a deadline lost. Each due member
  moves from the due zset to the lease zset, scored by when its lease runs out; the caller
  acknowledges it (ZREM from the lease zset) once handled. A member whose lease ran out — its
  taker died or stalled — is leased again here, to whichever instance polls next. Taking and
  leasing are one step, so each member is handled by one caller at a time.

  Input:
    KEYS[1]   the due zset, scored by due time (ms)
    KEYS[2]   its lease zset, scored by lease expiry (ms)

    ARGV[1]   now ms
    ARGV[2]   limit
    ARGV[3]   lease ms

  Output:
    the members leased (at most limit): expired leases first, then due members, earliest first
]]
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local untilMs = now + tonumber(ARGV[3])
local taken = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, limit)
for _, m in ipairs(taken) do redis.call('ZADD', KEYS[2], untilMs, m) end
if #taken < limit then
  local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, limit - #taken)
  if #due > 0 then
    redis.call('ZREM', KEYS[1], unpack(due))
    for _, m in ipairs(due) do
      redis.call('ZADD', KEYS[2], untilMs, m)
      taken[#taken + 1] = m
    end
  end
end
return taken
