--[[
  takeDue: removes and returns the members due by now. Removal and return are one step, so each
  due member goes to exactly one caller, however many instances poll.

  Input:
    KEYS[1]   a zset scored by due time (ms)

    ARGV[1]   now ms
    ARGV[2]   limit

  Output:
    the members taken (at most limit), earliest due first
]]
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
if #due > 0 then redis.call('ZREM', KEYS[1], unpack(due)) end
return due
