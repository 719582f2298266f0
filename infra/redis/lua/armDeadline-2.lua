--[[
  armDeadline: the bot must answer this conversation by dueAt, unless a person already holds it.

  Input:
    KEYS[1]   response deadlines (zset)
    KEYS[2]   open index (hash conversationId -> handoff id)

    ARGV[1]   conversationId
    ARGV[2]   dueAt ms
    ARGV[3]   handoff record key prefix, e.g. "{kefu}:handoff:"

  Output:
    ok (1)    armed
    0         not armed: a person holds the conversation

  Built here: the record of the conversation's open handoff (ARGV[3] .. id). Its id is read from
  the open index inside this script, so its key cannot be passed in KEYS. It carries the same
  "{ns}:" hash tag as the keys above, so it is in the same Cluster slot.
]]
local open = redis.call('HGET', KEYS[2], ARGV[1])
if open and redis.call('HGET', ARGV[3] .. open, 'status') ~= 'callback' then return 0 end
redis.call('ZADD', KEYS[1], tonumber(ARGV[2]), ARGV[1])
return 1
