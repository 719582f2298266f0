--[[
  setCallbackPhone: the number to call on a callback ticket, given by the customer after booking.

  Input:
    KEYS[1]       the handoff's record (hash)
    KEYS[2]       the handoff's transfer history (list): read back with the record
    ARGV[1]       the phone number

  Output:
    { ok (1), the record hash as a flat field/value list, its transfer history }  set
    notFound (-1)   no such handoff
    notQueued (-2)  not a callback ticket, or closed
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HEXISTS', KEYS[1], 'callbackDueAt') == 0 or redis.call('HGET', KEYS[1], 'status') == 'closed' then return -2 end
redis.call('HSET', KEYS[1], 'callbackPhone', ARGV[1])
return { 1, redis.call('HGETALL', KEYS[1]), redis.call('LRANGE', KEYS[2], 0, -1) }
