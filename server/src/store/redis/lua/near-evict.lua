--[[
near-evict: a server let a change go unacknowledged past its registration's
expiry, yet renewed it: it may have missed the change (a message lost between
cluster nodes, a subscriber connection dead without a reset).

KEYS[1]  the namespace's registry (see near-register.lua)
ARGV[1]  the silent server's member (near-register.lua)

Reply: { Redis now (ms), expiry }: the expiry of that registration, "0" when
it is not live. A later join of the server is another member, left alone.

The renewable member becomes "<member>/evicted" with the same expiry:
writers keep waiting for it until then (its subscribers' leases may run that
long), but it can no longer be renewed; the server finds it gone at its next
renewal and drops its subscribers there.
--]]

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local evicted = ARGV[1] .. '/evicted'
local score = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1]) or '0')
local before = tonumber(redis.call('ZSCORE', KEYS[1], evicted) or '0')
local latest = math.max(score, before)
if score > now then
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('ZADD', KEYS[1], latest, evicted)
end
if latest <= now then
  return { now, '0' }
end
return { now, string.format('%.0f', latest) }
