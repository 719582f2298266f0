--[[
  dlAppend: one activity onto a Direct Line conversation's log, keeping only the newest ones.

  Input:
    KEYS[1]   the conversation's activities (list)
    KEYS[2]   how many older activities were dropped (string)

    ARGV[1]   activity JSON
    ARGV[2]   most activities kept
    ARGV[3]   TTL seconds

  Output:
    the new watermark: every activity ever appended, dropped ones included, so a client's
    watermark stays valid when old activities go
]]
local n = redis.call('RPUSH', KEYS[1], ARGV[1])
local max = tonumber(ARGV[2])
local dropped = tonumber(redis.call('GET', KEYS[2]) or '0')
if n > max then
  redis.call('LTRIM', KEYS[1], n - max, -1)
  dropped = redis.call('INCRBY', KEYS[2], n - max)
  n = max
end
redis.call('EXPIRE', KEYS[1], ARGV[3])
if dropped > 0 then redis.call('EXPIRE', KEYS[2], ARGV[3]) end
return dropped + n
