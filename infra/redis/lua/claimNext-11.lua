--[[
  claimNext: the agent takes the most urgent, longest-waiting handoff among its skill groups' queues.

  Input:
    KEYS[1]       agent loads (hash)
    KEYS[2]       SLA due (zset)
    KEYS[3]       the holders (hash handoff id -> agent): who holds each assigned handoff
    KEYS[4..11]   every skill group's queue (zset), in the order of ARGV[5..12]

    ARGV[1]       agentId
    ARGV[2]       capacity
    ARGV[3]       now ms
    ARGV[4]       handoff record key prefix, e.g. "{kefu}:handoff:"
    ARGV[5]       transfer history key prefix, e.g. "{kefu}:transfers:"
    ARGV[6..13]   the skill group of each queue in KEYS[4..11]
    ARGV[14..]    the agent's skill groups (on a tie, the first listed wins)

  Output:
    { the claimed handoff's id, its record hash as a flat field/value list, its transfer history }
    false         nothing queued in the agent's groups, or the agent is at capacity

  Built here: the claimed handoff's record and transfer keys (ARGV[4] .. id, ARGV[5] .. id). Which
  handoff is claimed is only known once the queues have been read inside this script, so its keys
  cannot be passed in KEYS. They carry the same "{ns}:" hash tag as every key above, so they are in
  the same Cluster slot.
]]
local queues = {}
for i = 0, #KEYS - 4 do queues[ARGV[6 + i]] = KEYS[4 + i] end

if tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0') >= tonumber(ARGV[2]) then return false end
local best, bestScore, bestQueue
for i = #KEYS + 3, #ARGV do
  -- A name that is not a skill group has no queue, so nothing queued.
  local queue = queues[ARGV[i]]
  if queue then
    local head = redis.call('ZRANGE', queue, 0, 0, 'WITHSCORES')
    if head[1] and (not bestScore or tonumber(head[2]) < bestScore) then
      best, bestScore, bestQueue = head[1], tonumber(head[2]), queue
    end
  end
end
if not best then return false end
redis.call('ZREM', bestQueue, best)
redis.call('ZREM', KEYS[2], best)
redis.call('HSET', ARGV[4] .. best, 'status', 'assigned', 'assignedTo', ARGV[1], 'assignedAt', ARGV[3])
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('HSET', KEYS[3], best, ARGV[1])
return { best, redis.call('HGETALL', ARGV[4] .. best), redis.call('LRANGE', ARGV[5] .. best, 0, -1) }
