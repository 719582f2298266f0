--[[
  open: opens a handoff for a conversation, or adds the reason to the one already open, so a
  conversation never has two. A more urgent trigger raises the open one's priority.

  Input:
    KEYS[1]       open index (hash conversationId -> handoff id)
    KEYS[2]       the new handoff's record (hash)
    KEYS[3]       SLA due (zset)
    KEYS[4]       response deadlines (zset)
    KEYS[5]       callbacks (zset)
    KEYS[6]       the customer's handoffs by creation time (zset; a read index)
    KEYS[7]       every handoff by creation time (zset; a read index)
    KEYS[8..15]   every skill group's queue (zset), in the order of ARGV[14..21]

    ARGV[1]       conversationId
    ARGV[2]       id of the new handoff
    ARGV[3]       reason
    ARGV[4]       priority rank (0 urgent)
    ARGV[5]       slaDueAt ms
    ARGV[6]       skill group
    ARGV[7]       createdAt ms
    ARGV[8]       packet JSON
    ARGV[9]       reference JSON
    ARGV[10]      handoff record key prefix, e.g. "{kefu}:handoff:"
    ARGV[11]      how many of a customer's handoffs KEYS[6] keeps
    ARGV[12]      KEYS[7] drops handoffs created before this (ms)
    ARGV[13]      lifetime of KEYS[6] (seconds)
    ARGV[14..21]  the skill group of each queue in KEYS[8..15]

  Output:
    {ok (1), id}  created
    {0, id}       the conversation already had one open: the reason was added to it (id is that one's)
    {-6, id}      idTaken: a handoff with the new id exists (open or kept after closing); nothing written
    error         ARGV[6] is not a skill group (nothing written)

  Built here: the record of the conversation's already-open handoff (ARGV[10] .. id). Its id is
  read from the open index inside this script, so its key cannot be passed in KEYS. It carries
  the same "{ns}:" hash tag as every key above, so it is in the same Cluster slot.
]]
local queues = {}
for i = 0, #KEYS - 8 do queues[ARGV[14 + i]] = KEYS[8 + i] end
if not queues[ARGV[6]] then return redis.error_reply('open: unknown skill group ' .. ARGV[6]) end

local existing = redis.call('HGET', KEYS[1], ARGV[1])
if existing then
  local rec = ARGV[10] .. existing
  local reasons = redis.call('HGET', rec, 'reasons')
  if not string.find(',' .. reasons .. ',', ',' .. ARGV[3] .. ',', 1, true) then
    redis.call('HSET', rec, 'reasons', reasons .. ',' .. ARGV[3])
  end
  local status = redis.call('HGET', rec, 'status')
  if tonumber(ARGV[4]) < tonumber(redis.call('HGET', rec, 'rank')) and status ~= 'closed' then
    local due = math.min(tonumber(redis.call('HGET', rec, 'slaDueAt')), tonumber(ARGV[5]))
    redis.call('HSET', rec, 'rank', ARGV[4], 'slaDueAt', due, 'packet', ARGV[8])
    if status == 'queued' or status == 'callback' then
      redis.call('ZREM', queues[redis.call('HGET', rec, 'group')], existing)
      redis.call('ZREM', KEYS[5], existing)
      redis.call('HSET', rec, 'group', ARGV[6], 'status', 'queued')
      -- Live again: no longer a promise to call.
      redis.call('HDEL', rec, 'callbackDueAt', 'callbackPhone')
      redis.call('ZADD', queues[ARGV[6]], tonumber(ARGV[4]) * 1e13 + tonumber(redis.call('HGET', rec, 'createdAt')), existing)
      redis.call('ZADD', KEYS[3], due, existing)
    end
  end
  return {0, existing}
end
-- Never over another customer's handoff: the caller picks another id.
if redis.call('EXISTS', KEYS[2]) == 1 then return {-6, ARGV[2]} end
redis.call('HSET', KEYS[2], 'id', ARGV[2], 'conversationId', ARGV[1], 'status', 'queued', 'reasons', ARGV[3],
  'rank', ARGV[4], 'slaDueAt', ARGV[5], 'group', ARGV[6], 'createdAt', ARGV[7], 'packet', ARGV[8], 'reference', ARGV[9])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', queues[ARGV[6]], tonumber(ARGV[4]) * 1e13 + tonumber(ARGV[7]), ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[2])
redis.call('ZREM', KEYS[4], ARGV[1])
-- The read indexes, in the same step: one round trip, and never a handoff missing from them.
redis.call('ZADD', KEYS[6], ARGV[7], ARGV[2])
redis.call('ZREMRANGEBYRANK', KEYS[6], 0, -(tonumber(ARGV[11]) + 1))
redis.call('EXPIRE', KEYS[6], ARGV[13])
redis.call('ZADD', KEYS[7], ARGV[7], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[7], '-inf', ARGV[12])
return {1, ARGV[2]}
