--[[
  recordCustomer: a customer's activity. Its conversation reference is kept (for proactive
  messages), and its line, when it has one, is added to the transcript — newest lines only, the
  list alive for its lifetime (as appendTranscript). One command where there were two: every
  customer message writes both.

  Input:
    KEYS[1]   the conversation reference (string, JSON)
    KEYS[2]   the transcript (list of JSON lines)

    ARGV[1]   the reference
    ARGV[2]   lifetime seconds (of both)
    ARGV[3]   the line, or "" when the activity has none (or transcripts are off)
    ARGV[4]   lines kept

  Output:
    ok (1)
]]
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
if ARGV[3] ~= '' then
  redis.call('RPUSH', KEYS[2], ARGV[3])
  redis.call('LTRIM', KEYS[2], -tonumber(ARGV[4]), -1)
  redis.call('EXPIRE', KEYS[2], ARGV[2])
end
return 1
