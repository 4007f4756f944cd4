--[[
read-versions: the second step of a Get with grace on Redis Cluster, on the
namespace's slot: reads version and history keys with the time of the
shard that records invalidations (invalidate.lua), so that staleness is
measured on one clock.

KEYS[1..]   version keys and history keys, all in the namespace's slot

Reply: {now in ms (decimal), then each key's value, or nil when absent}.
--]]

local out = { string.format('%.0f', nowMs()) }
for i = 1, #KEYS do
  -- pcall: foreign data of another type under our key reads as absent.
  local v = redis.pcall('GET', KEYS[i])
  out[i + 1] = type(v) == 'string' and v
end
return out
