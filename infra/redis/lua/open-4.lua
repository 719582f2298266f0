-- open: opens a handoff for a conversation, or adds the reason to the one already open, so a
-- conversation never has two. A more urgent trigger raises the open one's priority.
-- KEYS[1] open index (hash conversationId -> handoff id)  KEYS[2] the new record (hash)
-- KEYS[3] SLA due (zset)  KEYS[4] response deadlines (zset)
-- ARGV[1] conversationId  ARGV[2] id  ARGV[3] reason  ARGV[4] priority rank (0 urgent)
-- ARGV[5] slaDueAt ms  ARGV[6] group  ARGV[7] createdAt ms  ARGV[8] packet JSON  ARGV[9] reference JSON
-- ARGV[10] key prefix, e.g. "{kefu}:" (every key shares its hash tag)
-- Returns {1, id} when created, {0, id} when added to the open one.
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if existing then
  local rec = ARGV[10] .. 'handoff:' .. existing
  local reasons = redis.call('HGET', rec, 'reasons')
  if not string.find(',' .. reasons .. ',', ',' .. ARGV[3] .. ',', 1, true) then
    redis.call('HSET', rec, 'reasons', reasons .. ',' .. ARGV[3])
  end
  local status = redis.call('HGET', rec, 'status')
  if tonumber(ARGV[4]) < tonumber(redis.call('HGET', rec, 'rank')) and status ~= 'closed' then
    local due = math.min(tonumber(redis.call('HGET', rec, 'slaDueAt')), tonumber(ARGV[5]))
    redis.call('HSET', rec, 'rank', ARGV[4], 'slaDueAt', due, 'packet', ARGV[8])
    if status == 'queued' or status == 'callback' then
      redis.call('ZREM', ARGV[10] .. 'queue:' .. redis.call('HGET', rec, 'group'), existing)
      redis.call('ZREM', ARGV[10] .. 'callbacks', existing)
      redis.call('HSET', rec, 'group', ARGV[6], 'status', 'queued')
      redis.call('ZADD', ARGV[10] .. 'queue:' .. ARGV[6], tonumber(ARGV[4]) * 1e13 + tonumber(redis.call('HGET', rec, 'createdAt')), existing)
      redis.call('ZADD', KEYS[3], due, existing)
    end
  end
  return {0, existing}
end
redis.call('HSET', KEYS[2], 'id', ARGV[2], 'conversationId', ARGV[1], 'status', 'queued', 'reasons', ARGV[3],
  'rank', ARGV[4], 'slaDueAt', ARGV[5], 'group', ARGV[6], 'createdAt', ARGV[7], 'packet', ARGV[8], 'reference', ARGV[9])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', ARGV[10] .. 'queue:' .. ARGV[6], tonumber(ARGV[4]) * 1e13 + tonumber(ARGV[7]), ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[2])
redis.call('ZREM', KEYS[4], ARGV[1])
return {1, ARGV[2]}
