--[[
  requeue: an assigned handoff goes back to its group's queue at its priority and original age —
  its agent left (offline, heartbeat lost), did not accept it, or did not answer the customer.
  Only if that agent still holds it, so two instances requeueing at once move it once.

  Input:
    KEYS[1]       the handoff's record (hash)
    KEYS[2]       agent loads (hash)
    KEYS[3]       SLA due (zset)
    KEYS[4]       the handoff's transfer history (list)
    KEYS[5]       callbacks (zset): where a callback ticket goes back to
    KEYS[6]       the holders (hash handoff id -> agent): who holds each assigned handoff
    KEYS[7..14]   every skill group's queue (zset), in the order of ARGV[4..11]

    ARGV[1]       agentId expected to hold it
    ARGV[2]       history entry (JSON)
    ARGV[3]       now ms (unused; kept for symmetry with the other transitions)
    ARGV[4..11]   the skill group of each queue in KEYS[7..14]

  Output:
    { ok (1), the record hash as a flat field/value list, its transfer history }  back in its queue
    notFound (-1)   no such handoff
    notYours (-4)   not assigned, or assigned to another agent
]]
local queues = {}
for i = 0, #KEYS - 7 do queues[ARGV[4 + i]] = KEYS[7 + i] end

if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HGET', KEYS[1], 'status') ~= 'assigned' or redis.call('HGET', KEYS[1], 'assignedTo') ~= ARGV[1] then return -4 end
local id = redis.call('HGET', KEYS[1], 'id')
local load = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if load > 0 then redis.call('HINCRBY', KEYS[2], ARGV[1], -1) end
redis.call('HDEL', KEYS[1], 'assignedTo', 'assignedAt')
redis.call('HDEL', KEYS[6], id)
redis.call('RPUSH', KEYS[4], ARGV[2])
redis.call('ZADD', KEYS[3], tonumber(redis.call('HGET', KEYS[1], 'slaDueAt')), id)
-- A callback ticket goes back to the callback queue, not to the customers waiting live.
local callbackDueAt = redis.call('HGET', KEYS[1], 'callbackDueAt')
if callbackDueAt then
  redis.call('HSET', KEYS[1], 'status', 'callback')
  redis.call('ZADD', KEYS[5], tonumber(callbackDueAt), id)
  return { 1, redis.call('HGETALL', KEYS[1]), redis.call('LRANGE', KEYS[4], 0, -1) }
end
redis.call('HSET', KEYS[1], 'status', 'queued')
local rank = tonumber(redis.call('HGET', KEYS[1], 'rank'))
local createdAt = tonumber(redis.call('HGET', KEYS[1], 'createdAt'))
redis.call('ZADD', queues[redis.call('HGET', KEYS[1], 'group')], rank * 1e13 + createdAt, id)
return { 1, redis.call('HGETALL', KEYS[1]), redis.call('LRANGE', KEYS[4], 0, -1) }
