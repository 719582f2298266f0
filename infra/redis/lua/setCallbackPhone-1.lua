--[[
  setCallbackPhone: the number to call on a callback ticket, given by the customer after booking.

  Input:
    KEYS[1]       the handoff's record (hash)
    ARGV[1]       the phone number

  Output:
    ok (1)          set
    notFound (-1)   no such handoff
    notQueued (-2)  not a callback ticket, or closed
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HEXISTS', KEYS[1], 'callbackDueAt') == 0 or redis.call('HGET', KEYS[1], 'status') == 'closed' then return -2 end
redis.call('HSET', KEYS[1], 'callbackPhone', ARGV[1])
return 1
