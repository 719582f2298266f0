--[[
  extendLock: the holder of a lock renews its lease (BullMQ's extendLock): only while it still owns
  it, so a holder that stalled past its lease cannot take the lock back from the one that took over.

  Input:
    KEYS[1]   the lock (string)

    ARGV[1]   holder token
    ARGV[2]   new lease ms

  Output:
    ok (1)    renewed
    0         not ours any more (expired, and maybe taken by another)
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
