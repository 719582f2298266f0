--[[
  slaBreached: the queued handoffs past their SLA, longest overdue first (the supervisor's alert
  list). Read from the queues, not from the SLA index: the worker's SLA sweep takes breached entries
  out of that index as it raises them.

  Input:
    KEYS[1]..KEYS[8]   every skill group's queue (zset)

    ARGV[1]           now ms: an SLA due before it is breached
    ARGV[2]           at most this many ids
    ARGV[3]           handoff record key prefix, e.g. "{kefu}:handoff:"

  Output:
    the breached handoffs' ids, earliest SLA first, the first ARGV[2]

  Built here: a waiting handoff's record key (ARGV[3] .. id), to read its SLA. Which handoffs wait is
  only known once the queues have been read inside this script, so their keys cannot be passed in
  KEYS. They carry the same "{ns}:" hash tag as the queues, so they are in the same Cluster slot.
]]
local now = tonumber(ARGV[1])
local found = {}
for q = 1, #KEYS do
  for _, id in ipairs(redis.call('ZRANGE', KEYS[q], 0, -1)) do
    local due = tonumber(redis.call('HGET', ARGV[3] .. id, 'slaDueAt') or '')
    if due and due < now then found[#found + 1] = { id, due } end
  end
end
table.sort(found, function(a, b) return a[2] < b[2] end)
local ids = {}
for i = 1, math.min(tonumber(ARGV[2]), #found) do ids[i] = found[i][1] end
return ids
