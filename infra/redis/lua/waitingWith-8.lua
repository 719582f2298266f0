--[[
  waitingWith: the queued handoffs waiting since before a time that have a given priority or were
  raised for a given reason (the escalation chain's stuck urgent and high-risk customers). Read in
  Redis: a long queue at peak hour is not sent over the wire and parsed every few seconds.

  Input:
    KEYS[1]..KEYS[8]   every skill group's queue (zset, scored rank * 1e13 + createdAt)

    ARGV[1]           before: only handoffs created before this (ms)
    ARGV[2]           the priority's rank: a handoff of this rank matches
    ARGV[3]           the reason: a handoff whose reasons include it matches
    ARGV[4]           at most this many ids
    ARGV[5]           handoff record key prefix, e.g. "{kefu}:handoff:"

  Output:
    the matching ids in serving order across the queues (most urgent, then oldest), the first ARGV[4]

  Built here: a waiting handoff's record key (ARGV[5] .. id), to read its reasons. Which handoffs wait
  is only known once the queues have been read inside this script, so their keys cannot be passed in
  KEYS. They carry the same "{ns}:" hash tag as the queues, so they are in the same Cluster slot.
]]
local before = tonumber(ARGV[1])
local rank = tonumber(ARGV[2])
local limit = tonumber(ARGV[4])
-- Every queue is walked, then the matches are put in serving order and cut: the first queue's
-- urgent customers must not hide a stuck high-risk one in another queue.
local found = {}
for q = 1, #KEYS do
  local entries = redis.call('ZRANGE', KEYS[q], 0, -1, 'WITHSCORES')
  for i = 1, #entries, 2 do
    local score = tonumber(entries[i + 1])
    local r = math.floor(score / 1e13)
    if score - r * 1e13 < before then
      local match = r == rank
      if not match then
        local reasons = redis.call('HGET', ARGV[5] .. entries[i], 'reasons') or ''
        match = string.find(',' .. reasons .. ',', ',' .. ARGV[3] .. ',', 1, true) ~= nil
      end
      if match then found[#found + 1] = { entries[i], score } end
    end
  end
end
table.sort(found, function(a, b) return a[2] < b[2] end)
local ids = {}
for i = 1, math.min(limit, #found) do ids[i] = found[i][1] end
return ids
