--[[
  compareAndSet: replaces a value (with a new lifetime) only if it still holds what the caller
  expects — a lease renewed or turned into a result by its holder only.

  Input:
    KEYS[1]   the key (string)

    ARGV[1]   expected value
    ARGV[2]   new value
    ARGV[3]   lifetime ms

  Output:
    ok (1)    replaced
    0         it holds something else (or nothing)
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0
