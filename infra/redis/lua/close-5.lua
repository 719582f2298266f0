-- close: the holding agent (or a supervisor) closes the handoff; the conversation returns to the bot.
-- KEYS[1] record (hash)  KEYS[2] agent loads (hash)  KEYS[3] open index (hash)  KEYS[4] SLA due (zset)
-- KEYS[5] transfer history (list)
-- ARGV[1] by agent  ARGV[2] by a supervisor ("1"/"0")  ARGV[3] resolution  ARGV[4] tags JSON  ARGV[5] now ms
-- ARGV[6] key prefix  ARGV[7] how long a closed handoff is kept, ms
-- Returns 1 | -1 not found | -4 not yours | -5 already closed
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local status = redis.call('HGET', KEYS[1], 'status')
if status == 'closed' then return -5 end
local holder = redis.call('HGET', KEYS[1], 'assignedTo')
-- A callback ticket is closed by whoever made the call back; otherwise the holder or a supervisor.
local allowed = (status == 'assigned' and (holder == ARGV[1] or ARGV[2] == '1')) or status == 'callback' or ARGV[2] == '1'
if not allowed then return -4 end
local id = redis.call('HGET', KEYS[1], 'id')
if status == 'assigned' and holder then redis.call('HINCRBY', KEYS[2], holder, -1) end
redis.call('ZREM', ARGV[6] .. 'queue:' .. redis.call('HGET', KEYS[1], 'group'), id)
redis.call('ZREM', ARGV[6] .. 'callbacks', id)
redis.call('ZREM', KEYS[4], id)
redis.call('HSET', KEYS[1], 'status', 'closed', 'closedAt', ARGV[5], 'resolution', ARGV[3], 'tags', ARGV[4])
redis.call('HDEL', KEYS[3], redis.call('HGET', KEYS[1], 'conversationId'))
-- Closed handoffs are kept for review (surveys, supervisors), then forgotten: Redis must not grow forever.
redis.call('PEXPIRE', KEYS[1], ARGV[7])
redis.call('PEXPIRE', KEYS[5], ARGV[7])
return 1
