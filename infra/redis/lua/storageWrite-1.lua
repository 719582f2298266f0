--[[
  storageWrite: writes one botbuilder Storage item with optimistic concurrency.

  Input:
    KEYS[1]   the item (hash: json, eTag)

    ARGV[1]   JSON
    ARGV[2]   expected eTag ("" or "*" = unconditional)
    ARGV[3]   new eTag
    ARGV[4]   TTL seconds

  Output:
    ok (1)              written
    eTagConflict (-1)   the item changed since it was read
]]
if ARGV[2] ~= '' and ARGV[2] ~= '*' then
  local current = redis.call('HGET', KEYS[1], 'eTag')
  if current and current ~= ARGV[2] then return -1 end
end
redis.call('HSET', KEYS[1], 'json', ARGV[1], 'eTag', ARGV[3])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
return 1
