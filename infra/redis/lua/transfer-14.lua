--[[
  transfer: the holding agent (or a supervisor) hands the conversation to a group's queue or to an agent.
  The waiting time is kept: the handoff re-enters the queue at its original position for its priority.

  Input:
    KEYS[1]       the handoff's record (hash)
    KEYS[2]       agent loads (hash)
    KEYS[3]       the handoff's transfer history (list)
    KEYS[4]       callbacks (zset)
    KEYS[5]       SLA due (zset)
    KEYS[6]       the holders (hash handoff id -> agent): who holds each assigned handoff
    KEYS[7..14]   every skill group's queue (zset), in the order of ARGV[8..15]

    ARGV[1]       by agent
    ARGV[2]       by a supervisor ("1"/"0")
    ARGV[3]       to group ("" when to an agent)
    ARGV[4]       to agent ("" when to a group)
    ARGV[5]       target agent's capacity
    ARGV[6]       transfer entry JSON
    ARGV[7]       now ms
    ARGV[8..15]   the skill group of each queue in KEYS[7..14]

  Output:
    { ok (1), the record hash as a flat field/value list, its transfer history }  transferred
    notFound (-1)    no such handoff
    atCapacity (-3)  the target agent is at capacity
    notYours (-4)    neither the holder nor a supervisor
    closed (-5)      already closed
    error            ARGV[3] is neither "" nor a skill group (nothing written)

  Every key is in KEYS; queues are picked from KEYS[7..14] by group.
]]
local queues = {}
for i = 0, #KEYS - 7 do queues[ARGV[8 + i]] = KEYS[7 + i] end

if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local status = redis.call('HGET', KEYS[1], 'status')
if status == 'closed' then return -5 end
local holder = redis.call('HGET', KEYS[1], 'assignedTo')
local allowed = (status == 'assigned' and (holder == ARGV[1] or ARGV[2] == '1')) or (status ~= 'assigned' and ARGV[2] == '1')
if not allowed then return -4 end
if ARGV[4] ~= '' and tonumber(redis.call('HGET', KEYS[2], ARGV[4]) or '0') >= tonumber(ARGV[5]) then return -3 end
if ARGV[4] == '' and not queues[ARGV[3]] then return redis.error_reply('transfer: unknown skill group ' .. ARGV[3]) end
local id = redis.call('HGET', KEYS[1], 'id')
if status == 'assigned' and holder then redis.call('HINCRBY', KEYS[2], holder, -1) end
redis.call('ZREM', queues[redis.call('HGET', KEYS[1], 'group')], id)
redis.call('ZREM', KEYS[4], id)
redis.call('RPUSH', KEYS[3], ARGV[6])
if ARGV[4] ~= '' then
  redis.call('HSET', KEYS[1], 'status', 'assigned', 'assignedTo', ARGV[4], 'assignedAt', ARGV[7])
  redis.call('HINCRBY', KEYS[2], ARGV[4], 1)
  redis.call('ZREM', KEYS[5], id)
  redis.call('HSET', KEYS[6], id, ARGV[4])
else
  redis.call('HSET', KEYS[1], 'status', 'queued', 'group', ARGV[3])
  redis.call('HDEL', KEYS[1], 'assignedTo', 'assignedAt')
  redis.call('HDEL', KEYS[6], id)
  redis.call('ZADD', queues[ARGV[3]],
    tonumber(redis.call('HGET', KEYS[1], 'rank')) * 1e13 + tonumber(redis.call('HGET', KEYS[1], 'createdAt')), id)
end
return { 1, redis.call('HGETALL', KEYS[1]), redis.call('LRANGE', KEYS[3], 0, -1) }
