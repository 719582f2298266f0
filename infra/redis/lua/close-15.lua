--[[
  close: the holding agent (or a supervisor) closes the handoff; the conversation returns to the bot.

  Input:
    KEYS[1]       the handoff's record (hash)
    KEYS[2]       agent loads (hash)
    KEYS[3]       open index (hash conversationId -> handoff id)
    KEYS[4]       SLA due (zset)
    KEYS[5]       the handoff's transfer history (list)
    KEYS[6]       callbacks (zset)
    KEYS[7]       the holders (hash handoff id -> agent): who holds each assigned handoff
    KEYS[8..15]   every skill group's queue (zset), in the order of ARGV[7..14]

    ARGV[1]       by agent
    ARGV[2]       by a supervisor ("1"/"0")
    ARGV[3]       resolution
    ARGV[4]       tags JSON
    ARGV[5]       now ms
    ARGV[6]       how long a closed handoff is kept, ms
    ARGV[7..14]   the skill group of each queue in KEYS[8..15]

  Output:
    { ok (1), the record hash as a flat field/value list, its transfer history }  closed
    notFound (-1)   no such handoff
    notYours (-4)   neither the holder nor a supervisor
    closed (-5)     already closed

  Every key is in KEYS; the record's queue is picked from KEYS[8..15] by its group.
]]
local queues = {}
for i = 0, #KEYS - 8 do queues[ARGV[7 + i]] = KEYS[8 + i] end

if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local status = redis.call('HGET', KEYS[1], 'status')
if status == 'closed' then return -5 end
local holder = redis.call('HGET', KEYS[1], 'assignedTo')
-- A callback ticket is closed by whoever made the call back; otherwise the holder or a supervisor.
local allowed = (status == 'assigned' and (holder == ARGV[1] or ARGV[2] == '1')) or status == 'callback' or ARGV[2] == '1'
if not allowed then return -4 end
local id = redis.call('HGET', KEYS[1], 'id')
if status == 'assigned' and holder then redis.call('HINCRBY', KEYS[2], holder, -1) end
redis.call('HDEL', KEYS[7], id)
redis.call('ZREM', queues[redis.call('HGET', KEYS[1], 'group')], id)
redis.call('ZREM', KEYS[6], id)
redis.call('ZREM', KEYS[4], id)
redis.call('HSET', KEYS[1], 'status', 'closed', 'closedAt', ARGV[5], 'resolution', ARGV[3], 'tags', ARGV[4])
-- The number was for the call, not for the archive.
redis.call('HDEL', KEYS[1], 'callbackPhone')
redis.call('HDEL', KEYS[3], redis.call('HGET', KEYS[1], 'conversationId'))
-- Closed handoffs are kept for review (surveys, supervisors), then forgotten: Redis must not grow forever.
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('PEXPIRE', KEYS[5], ARGV[6])
return { 1, redis.call('HGETALL', KEYS[1]), redis.call('LRANGE', KEYS[5], 0, -1) }
