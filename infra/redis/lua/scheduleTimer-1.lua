--[[
  scheduleTimer: sets a timer's due time, or — with onlyIfAbsent — leaves a pending one as it is
  (a second customer message does not push back the agent's reply deadline).

  Input:
    KEYS[1]   the timers of one kind (zset member -> due ms)

    ARGV[1]   member
    ARGV[2]   due ms
    ARGV[3]   '1' only if absent, '0' always

  Output:
    1 set | 0 left as it was
]]
if ARGV[3] == '1' then return redis.call('ZADD', KEYS[1], 'NX', tonumber(ARGV[2]), ARGV[1]) end
redis.call('ZADD', KEYS[1], tonumber(ARGV[2]), ARGV[1])
return 1
