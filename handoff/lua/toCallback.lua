-- toCallback: nobody can take a queued handoff now; it becomes a callback ticket.
-- KEYS[1] record (hash)  KEYS[2] callbacks (zset)  KEYS[3] SLA due (zset)
-- ARGV[1] now ms  ARGV[2] key prefix
-- Returns 1 | -1 not found | -2 not queued
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HGET', KEYS[1], 'status') ~= 'queued' then return -2 end
local id = redis.call('HGET', KEYS[1], 'id')
redis.call('ZREM', ARGV[2] .. 'queue:' .. redis.call('HGET', KEYS[1], 'group'), id)
redis.call('ZREM', KEYS[3], id)
redis.call('ZADD', KEYS[2], tonumber(redis.call('HGET', KEYS[1], 'createdAt')), id)
redis.call('HSET', KEYS[1], 'status', 'callback')
return 1
