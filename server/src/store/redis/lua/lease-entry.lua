--[[
lease-entry: the entry-slot step of a Get with a lease on Redis Cluster;
returns the entry if there is one, otherwise takes the key's lease if free.
The entry's versions live in the namespace's slot and are checked by the
caller, who calls again with the entry's beginning when it found the entry
unusable (stale, other tags, or not our format).

KEYS[1]   the entry key
KEYS[2]   the lease key (placed in the entry's slot)
ARGV[1]   the lease id
ARGV[2]   the lease lifetime in ms
ARGV[3]   optional: the beginning of the entry the caller found unusable; an
          entry that still begins so counts as missing (one that changed
          meanwhile is returned, so a value stored since is not missed)

Reply: {1, pttl, entry} when an entry is there (pttl -1: never expires);
{2} when the lease was taken; {3, pttl} when another caller holds it for
pttl ms more.
--]]

-- pcall: foreign data of another type under our key reads as absent.
local raw = redis.pcall('GET', KEYS[1])
if type(raw) == 'string' then
  local seen = ARGV[3]
  if seen == nil or string.sub(raw, 1, #seen) ~= seen then
    return { 1, redis.call('PTTL', KEYS[1]), raw }
  end
end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return { 2 } end
return { 3, redis.call('PTTL', KEYS[2]) }
