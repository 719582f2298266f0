--[[
  claim: one agent takes one queued (or callback) handoff. Atomic: two agents never get the same customer.

  Input:
    KEYS[1]       the handoff's record (hash)
    KEYS[2]       agent loads (hash)
    KEYS[3]       SLA due (zset)
    KEYS[4]       callbacks (zset)
    KEYS[5]       the holders (hash handoff id -> agent): who holds each assigned handoff
    KEYS[6]       the handoff's transfer history (list): read back with the record
    KEYS[7..14]   every skill group's queue (zset), in the order of ARGV[4..11]

    ARGV[1]       agentId
    ARGV[2]       capacity
    ARGV[3]       now ms
    ARGV[4..11]   the skill group of each queue in KEYS[7..14]

  Output:
    { ok (1), the record hash as a flat field/value list, its transfer history }  claimed
    notFound (-1)    no such handoff
    notQueued (-2)   neither queued nor a callback ticket
    atCapacity (-3)  the agent is at capacity

  Every key is in KEYS; the record's queue is picked from KEYS[7..14] by its group.
]]
local queues = {}
for i = 0, #KEYS - 7 do queues[ARGV[4 + i]] = KEYS[7 + i] end

if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'queued' and status ~= 'callback' then return -2 end
if tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0') >= tonumber(ARGV[2]) then return -3 end
local id = redis.call('HGET', KEYS[1], 'id')
redis.call('ZREM', queues[redis.call('HGET', KEYS[1], 'group')], id)
redis.call('ZREM', KEYS[4], id)
redis.call('ZREM', KEYS[3], id)
redis.call('HSET', KEYS[1], 'status', 'assigned', 'assignedTo', ARGV[1], 'assignedAt', ARGV[3])
redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
redis.call('HSET', KEYS[5], id, ARGV[1])
return { 1, redis.call('HGETALL', KEYS[1]), redis.call('LRANGE', KEYS[6], 0, -1) }
