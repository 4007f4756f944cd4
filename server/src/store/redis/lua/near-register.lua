--[[
near-register: register this server for a namespace's near-cache changes, or
renew its registration.

KEYS[1]  the namespace's registry: sorted set of member -> expiry (Redis time, ms)
ARGV[1]  the member: "<server id>.<join number>", new at each join
ARGV[2]  the lease in ms
ARGV[3]  "join" (register afresh) or "renew" (only while still registered)

Reply: 1 when registered until Redis now + lease; 0 when a renewal found
the registration gone: lapsed (writers stopped waiting for this server) or
evicted by a writer whose change it did not acknowledge (near-evict.lua).
Either way the server may have missed changes there, and nothing is written.

The key expires with its last registration, so a namespace nobody watches
any more leaves nothing behind.
--]]

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if ARGV[3] == 'renew' then
  local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
  if not score or tonumber(score) <= now then
    redis.call('ZREM', KEYS[1], ARGV[1])
    return 0
  end
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], last[2])
return 1
