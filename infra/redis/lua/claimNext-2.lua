-- claimNext: the agent takes the most urgent, longest-waiting handoff among its skill groups' queues.
-- KEYS[1] agent loads (hash)  KEYS[2] SLA due (zset)
-- ARGV[1] agentId  ARGV[2] capacity  ARGV[3] now ms  ARGV[4] key prefix  ARGV[5..n] skill groups
-- Returns the claimed handoff id, or false (nothing queued, or the agent is at capacity).
if tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0') >= tonumber(ARGV[2]) then return false end
local best, bestScore, bestGroup
for i = 5, #ARGV do
  local head = redis.call('ZRANGE', ARGV[4] .. 'queue:' .. ARGV[i], 0, 0, 'WITHSCORES')
  if head[1] and (not bestScore or tonumber(head[2]) < bestScore) then
    best, bestScore, bestGroup = head[1], tonumber(head[2]), ARGV[i]
  end
end
if not best then return false end
redis.call('ZREM', ARGV[4] .. 'queue:' .. bestGroup, best)
redis.call('ZREM', KEYS[2], best)
redis.call('HSET', ARGV[4] .. 'handoff:' .. best, 'status', 'assigned', 'assignedTo', ARGV[1], 'assignedAt', ARGV[3])
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
return best
