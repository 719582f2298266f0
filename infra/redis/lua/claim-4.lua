-- claim: one agent takes one queued (or callback) handoff. Atomic: two agents never get the same customer.
-- KEYS[1] record (hash)  KEYS[2] agent loads (hash)  KEYS[3] SLA due (zset)  KEYS[4] callbacks (zset)
-- ARGV[1] agentId  ARGV[2] capacity  ARGV[3] now ms  ARGV[4] key prefix
-- Returns 1 claimed | -1 not found | -2 not queued | -3 agent at capacity
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'queued' and status ~= 'callback' then return -2 end
if tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0') >= tonumber(ARGV[2]) then return -3 end
local id = redis.call('HGET', KEYS[1], 'id')
redis.call('ZREM', ARGV[4] .. 'queue:' .. redis.call('HGET', KEYS[1], 'group'), id)
redis.call('ZREM', KEYS[4], id)
redis.call('ZREM', KEYS[3], id)
redis.call('HSET', KEYS[1], 'status', 'assigned', 'assignedTo', ARGV[1], 'assignedAt', ARGV[3])
redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
return 1
