--[[
  replacePacket: swaps a handoff's context packet for a completed one (orders found by a lookup
  that finished after the handoff opened: the timeout handoff never waits on the order service) —
  only if the packet is still the one the caller read, and the handoff is not closed.

  Input:
    KEYS[1]       the handoff's record (hash)
    ARGV[1]       the packet JSON the caller read
    ARGV[2]       the new packet JSON

  Output:
    ok (1)          replaced
    notFound (-1)   no such handoff
    notQueued (-2)  the packet changed meanwhile (read again and retry)
    closed (-5)     already closed: its packet stays as it was
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HGET', KEYS[1], 'status') == 'closed' then return -5 end
if redis.call('HGET', KEYS[1], 'packet') ~= ARGV[1] then return -2 end
redis.call('HSET', KEYS[1], 'packet', ARGV[2])
return 1
