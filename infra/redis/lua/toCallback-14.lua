--[[
  toCallback: nobody can take the handoff now (or the customer can no longer be messaged): it
  becomes a callback ticket; an assigned one frees its agent's slot. The ticket waits in the
  callback queue, earliest promise first, and its SLA becomes the promised time.

  Input:
    KEYS[1]       the handoff's record (hash)
    KEYS[2]       callbacks (zset, scored by the promised time)
    KEYS[3]       SLA due (zset)
    KEYS[4]       agent loads (hash)
    KEYS[5]       the holders (hash handoff id -> agent): who holds each assigned handoff
    KEYS[6]       the handoff's transfer history (list): read back with the record
    KEYS[7..14]   every skill group's queue (zset), in the order of ARGV[4..11]

    ARGV[1]       now ms
    ARGV[2]       promised call-back time ms
    ARGV[3]       the number to call ("" when not known yet; a number already on the ticket is kept)
    ARGV[4..11]   the skill group of each queue in KEYS[7..14]

  Output:
    { ok (1), the record hash as a flat field/value list, its transfer history }  now a callback ticket
    notFound (-1)   no such handoff
    notQueued (-2)  neither queued nor assigned

  Every key is in KEYS; the record's queue is picked from KEYS[7..14] by its group.
]]
local queues = {}
for i = 0, #KEYS - 7 do queues[ARGV[4 + i]] = KEYS[7 + i] end

if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'queued' and status ~= 'assigned' then return -2 end
local id = redis.call('HGET', KEYS[1], 'id')
if status == 'assigned' then
  local holder = redis.call('HGET', KEYS[1], 'assignedTo')
  if holder then redis.call('HINCRBY', KEYS[4], holder, -1) end
  redis.call('HDEL', KEYS[1], 'assignedTo', 'assignedAt')
  redis.call('HDEL', KEYS[5], id)
end
redis.call('ZREM', queues[redis.call('HGET', KEYS[1], 'group')], id)
redis.call('ZADD', KEYS[3], tonumber(ARGV[2]), id)
redis.call('ZADD', KEYS[2], tonumber(ARGV[2]), id)
redis.call('HSET', KEYS[1], 'status', 'callback', 'callbackDueAt', ARGV[2], 'slaDueAt', ARGV[2])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'callbackPhone', ARGV[3]) end
return { 1, redis.call('HGETALL', KEYS[1]), redis.call('LRANGE', KEYS[6], 0, -1) }
