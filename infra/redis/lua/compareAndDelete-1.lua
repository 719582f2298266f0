--[[
  compareAndDelete: releases a lock only if this holder still owns it (compare-and-delete).

  Input:
    KEYS[1]   the lock (string)

    ARGV[1]   holder token

  Output:
    ok (1)    released
    0         not ours (expired, and maybe taken by another)
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
