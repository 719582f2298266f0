--[[
  dlSince: the activities a client has not read yet, and the new watermark, in one atomic read.

  Input:
    KEYS[1]   the conversation's activities (list)
    KEYS[2]   how many older activities were dropped (string)

    ARGV[1]   the client's watermark (every activity it has read, dropped ones included)

  Output:
    { new watermark, activity JSON... }
]]
local dropped = tonumber(redis.call('GET', KEYS[2]) or '0')
local length = redis.call('LLEN', KEYS[1])
local start = math.max(0, tonumber(ARGV[1]) - dropped)
local out = { dropped + length }
if start < length then
  for _, item in ipairs(redis.call('LRANGE', KEYS[1], start, -1)) do out[#out + 1] = item end
end
return out
