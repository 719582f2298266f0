-- toCallback: nobody can take the handoff now (or the customer can no longer be messaged): it
-- becomes a callback ticket; an assigned one frees its agent's slot.
-- KEYS[1] record (hash)  KEYS[2] callbacks (zset)  KEYS[3] SLA due (zset)  KEYS[4] agent loads (hash)
-- ARGV[1] now ms  ARGV[2] key prefix
-- Returns 1 | -1 not found | -2 neither queued nor assigned
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'queued' and status ~= 'assigned' then return -2 end
local id = redis.call('HGET', KEYS[1], 'id')
if status == 'assigned' then
  local holder = redis.call('HGET', KEYS[1], 'assignedTo')
  if holder then redis.call('HINCRBY', KEYS[4], holder, -1) end
  redis.call('HDEL', KEYS[1], 'assignedTo', 'assignedAt')
end
redis.call('ZREM', ARGV[2] .. 'queue:' .. redis.call('HGET', KEYS[1], 'group'), id)
redis.call('ZREM', KEYS[3], id)
redis.call('ZADD', KEYS[2], tonumber(redis.call('HGET', KEYS[1], 'createdAt')), id)
redis.call('HSET', KEYS[1], 'status', 'callback')
return 1
