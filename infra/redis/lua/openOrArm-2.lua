--[[
  openOrArm: what every customer message asks first. The conversation's open handoff, read whole
  (its record and transfer history); and, when nobody holds the conversation (no open handoff, or
  only a callback ticket) and a due time is given, its response deadline armed. The store's
  armDeadline is this script too: one arming rule.

  Input:
    KEYS[1]   response deadlines (zset)
    KEYS[2]   open index (hash conversationId -> handoff id)

    ARGV[1]   conversationId
    ARGV[2]   dueAt ms, or "" not to arm
    ARGV[3]   handoff record key prefix, e.g. "{kefu}:handoff:"
    ARGV[4]   transfer history key prefix, e.g. "{kefu}:transfers:"

  Output:
    { armed (1) or 0, the open handoff's record hash as a flat field/value list (empty: none),
      its transfer history (list of JSON lines) }

  Built here: the open handoff's record and transfer keys (prefix .. id). Its id is read from the
  open index inside this script, so they cannot be passed in KEYS. They carry the same "{ns}:" hash
  tag as the keys above, so they are in the same Cluster slot.
]]
local open = redis.call('HGET', KEYS[2], ARGV[1])
local record = {}
local transfers = {}
local status
if open then
  record = redis.call('HGETALL', ARGV[3] .. open)
  transfers = redis.call('LRANGE', ARGV[4] .. open, 0, -1)
  status = redis.call('HGET', ARGV[3] .. open, 'status')
end
local armed = 0
if ARGV[2] ~= '' and (not open or status == 'callback') then
  redis.call('ZADD', KEYS[1], tonumber(ARGV[2]), ARGV[1])
  armed = 1
end
return { armed, record, transfers }
