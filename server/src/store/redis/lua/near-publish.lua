--[[
near-publish: tell the other servers watching a namespace of a change.

KEYS[1]  the namespace's registry (see near-register.lua)
ARGV[1]  the writing server's id
ARGV[2]  the events channel
ARGV[3]  the event: namespace, change, writer id and event id

Reply: { Redis now (ms), member, expiry, member, expiry, ... } listing every
live registration of another server. Members are "<server id>.<join number>",
or that followed by "/evicted" (near-evict.lua), waited for all the same.

Runs after the write was applied: a server registering later confirms its
subscriptions only after that, so its subscribers read the new state.
Lapsed registrations are dropped first; the event is published only when
another server is left, so a namespace no other server watches costs this
one call.
--]]

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local live = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local mine = ARGV[1] .. '.'
local out = { now }
for i = 1, #live, 2 do
  local m = live[i]
  if string.sub(m, 1, #mine) ~= mine then
    out[#out + 1] = m
    out[#out + 1] = live[i + 1]
  end
end
if #out > 1 then
  redis.call('PUBLISH', ARGV[2], ARGV[3])
end
return out
