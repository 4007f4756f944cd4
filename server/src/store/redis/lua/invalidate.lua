--[[
invalidate: give tags (or a namespace) new versions.

KEYS[1..n]     the version keys to replace
KEYS[n+1..2n]  their history keys, in the same order
ARGV[1]        lifetime of the new versions in ms
ARGV[2..1+n]   one fresh random version per key

Reply: 1.

Entries stored under an old version miss from now on. The new version has a
lifetime, so a tag that is never used again does not hold memory forever;
a later Set extends it as its entries need.

The history key holds the new version, the version it replaced (none, and
no history, when there was none) and the time of the replacement (Redis clock, ms, decimal):
a Get with grace serves an entry recorded under exactly the replaced
version as stale since then (lib/entry-grace.lua). One SET per key, no scan.
--]]

local n = #KEYS / 2
local ttl = ARGV[1]
local now = redis.call('TIME')
local ms = string.format('%.0f', tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000))
for i = 1, n do
  local old = redis.pcall('GET', KEYS[i])
  redis.call('SET', KEYS[i], ARGV[1 + i], 'PX', ttl)
  if type(old) == 'string' and #old == 8 then
    redis.call('SET', KEYS[n + i], ARGV[1 + i] .. old .. ms, 'PX', ttl)
  else
    redis.call('DEL', KEYS[n + i])
  end
end
return 1
