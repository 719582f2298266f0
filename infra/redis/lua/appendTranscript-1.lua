--[[
  appendTranscript: adds a line to a conversation's transcript, keeping the newest lines only and
  the whole list alive for its lifetime. One command instead of MULTI/RPUSH/LTRIM/EXPIRE/EXEC: a
  turn writes two lines.

  Input:
    KEYS[1]   the transcript (list of JSON lines)

    ARGV[1]   the line
    ARGV[2]   lines kept
    ARGV[3]   lifetime seconds

  Output:
    ok (1)
]]
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
