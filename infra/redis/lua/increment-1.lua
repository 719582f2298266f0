--[[
  increment: counts one more within a window that starts at the first count (a rate-limit bucket).
  One command instead of MULTI/INCR/PEXPIRE/EXEC: a turn counts two buckets.

  Input:
    KEYS[1]   the counter (string)

    ARGV[1]   window ms (set on the first count only)

  Output:
    the count, this one included
]]
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
