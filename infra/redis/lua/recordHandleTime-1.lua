--[[
  recordHandleTime: folds one closed conversation's handle time into its group's rolling average
  (exponentially weighted), read and written in one step so concurrent closes all count.

  Input:
    KEYS[1]   average handle time per group (hash group -> ms)

    ARGV[1]   group
    ARGV[2]   this conversation's handle time, ms
    ARGV[3]   the starting value when the group has none (routing.json's avgHandleTime)
    ARGV[4]   weight of the newest value (0..1)

  Output:
    the new average, ms (integer)
]]
local previous = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or ARGV[3])
local next = math.floor(previous + tonumber(ARGV[4]) * (tonumber(ARGV[2]) - previous) + 0.5)
redis.call('HSET', KEYS[1], ARGV[1], next)
return next
