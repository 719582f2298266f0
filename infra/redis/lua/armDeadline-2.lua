-- armDeadline: the bot must answer this conversation by dueAt, unless a person already holds it.
-- KEYS[1] response deadlines (zset)  KEYS[2] open index (hash)
-- ARGV[1] conversationId  ARGV[2] dueAt ms  ARGV[3] key prefix
-- Returns 1 armed | 0 not armed (a person holds the conversation)
local open = redis.call('HGET', KEYS[2], ARGV[1])
if open and redis.call('HGET', ARGV[3] .. 'handoff:' .. open, 'status') ~= 'callback' then return 0 end
redis.call('ZADD', KEYS[1], tonumber(ARGV[2]), ARGV[1])
return 1
