--[[
  saveSurvey: stores the satisfaction survey with the handoff; a flagged one joins the review list.

  Input:
    KEYS[1]   the handoff's record (hash)
    KEYS[2]   flagged surveys for review (zset)
    KEYS[3]   the handoff's transfer history (list): read back with the record

    ARGV[1]   survey JSON
    ARGV[2]   flagged ("1"/"0")
    ARGV[3]   now ms
    ARGV[4]   how long a closed handoff is kept, ms

  Output:
    { ok (1), the record hash as a flat field/value list, its transfer history }  saved
    notFound (-1)   no such handoff
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
redis.call('HSET', KEYS[1], 'survey', ARGV[1])
if ARGV[2] == '1' then redis.call('ZADD', KEYS[2], tonumber(ARGV[3]), redis.call('HGET', KEYS[1], 'id')) end
-- Reviews of handoffs past their retention point at nothing any more.
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. (tonumber(ARGV[3]) - tonumber(ARGV[4])))
return { 1, redis.call('HGETALL', KEYS[1]), redis.call('LRANGE', KEYS[3], 0, -1) }
