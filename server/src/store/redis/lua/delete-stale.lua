--[[
delete-stale: removes an entry a Get on Redis Cluster found stale, unless it
was replaced meanwhile.

KEYS[1]       the entry key
ARGV[1]       the entry's header as read: format, tag count, and every
              version (and tag name) it recorded

Reply: 1 when deleted, 0 when the entry is gone or now records other versions.

An entry that still begins with this header depends on a version already seen
replaced or gone; versions are random and never come back, so it can never
hit again. A fresh Set in between records the new versions and is kept.
--]]

local raw = redis.pcall('GET', KEYS[1])
if type(raw) == 'string' and string.sub(raw, 1, #ARGV[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
