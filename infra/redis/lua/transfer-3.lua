-- transfer: the holding agent (or a supervisor) hands the conversation to a group's queue or to an agent.
-- The waiting time is kept: the handoff re-enters the queue at its original position for its priority.
-- KEYS[1] record (hash)  KEYS[2] agent loads (hash)  KEYS[3] transfers (list)
-- ARGV[1] by agent  ARGV[2] by a supervisor ("1"/"0")  ARGV[3] to group ("" when to an agent)
-- ARGV[4] to agent ("" when to a group)  ARGV[5] target agent's capacity  ARGV[6] transfer entry JSON
-- ARGV[7] now ms  ARGV[8] key prefix
-- Returns 1 | -1 not found | -3 target at capacity | -4 not yours | -5 closed
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local status = redis.call('HGET', KEYS[1], 'status')
if status == 'closed' then return -5 end
local holder = redis.call('HGET', KEYS[1], 'assignedTo')
local allowed = (status == 'assigned' and (holder == ARGV[1] or ARGV[2] == '1')) or (status ~= 'assigned' and ARGV[2] == '1')
if not allowed then return -4 end
if ARGV[4] ~= '' and tonumber(redis.call('HGET', KEYS[2], ARGV[4]) or '0') >= tonumber(ARGV[5]) then return -3 end
local id = redis.call('HGET', KEYS[1], 'id')
if status == 'assigned' and holder then redis.call('HINCRBY', KEYS[2], holder, -1) end
redis.call('ZREM', ARGV[8] .. 'queue:' .. redis.call('HGET', KEYS[1], 'group'), id)
redis.call('ZREM', ARGV[8] .. 'callbacks', id)
redis.call('RPUSH', KEYS[3], ARGV[6])
if ARGV[4] ~= '' then
  redis.call('HSET', KEYS[1], 'status', 'assigned', 'assignedTo', ARGV[4], 'assignedAt', ARGV[7])
  redis.call('HINCRBY', KEYS[2], ARGV[4], 1)
  redis.call('ZREM', ARGV[8] .. 'sla', id)
else
  redis.call('HSET', KEYS[1], 'status', 'queued', 'group', ARGV[3])
  redis.call('HDEL', KEYS[1], 'assignedTo', 'assignedAt')
  redis.call('ZADD', ARGV[8] .. 'queue:' .. ARGV[3],
    tonumber(redis.call('HGET', KEYS[1], 'rank')) * 1e13 + tonumber(redis.call('HGET', KEYS[1], 'createdAt')), id)
end
return 1
