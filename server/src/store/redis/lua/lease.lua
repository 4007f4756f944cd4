--[[
lease: a Get of one entry that, on a miss, takes the key's lease if free.

Runs after get.lua, whose body is compiled in as the local function get
(see scripts.ts), so entries are checked exactly as a plain Get does.

KEYS[1]       the namespace version key    } as get.lua, for one lookup
KEYS[2]       the entry key                }
KEYS[3]       the lease key
KEYS[4..3+n]  the tag-version keys of the requested tags, in order
ARGV[1]       the namespace's tag-version key prefix     } as get.lua
ARGV[2]       n, the number of requested tags (0: any)    }
ARGV[3..2+n]  the requested tags, sorted                  }
ARGV[3+n]     the lease id
ARGV[4+n]     the lease lifetime in ms
ARGV[5+n]     least lifetime of a tag version in ms
ARGV[6+n..]   n + 1 fresh random versions (namespace first), each used only
              where that version is missing

Reply: {1, pttl, entry} on a hit, as get.lua. On a miss, with versions the
namespace's version then each tag's (8 bytes each): {2, versions} when the
lease was taken, {3, versions, pttl} when another caller holds it for pttl ms
more.

Missing versions are created (as set.lua would, with lib/current-version.lua,
prepended), so the version token names real versions and a concurrent first
Set of another key with the same tag does not make ours look stale.
--]]

local n = tonumber(ARGV[2])
local found = get({ KEYS[1], KEYS[2] }, { unpack(ARGV, 1, 2 + n) })[1]
if type(found) == 'table' then return { 1, found[1], found[2] } end

-- The lease lifetime is no entry's: versions get the least lifetime.
local tagTtl = tonumber(ARGV[5 + n])
local parts = { currentVersion(KEYS[1], ARGV[6 + n], tagTtl, tagTtl) }
for j = 1, n do parts[j + 1] = currentVersion(KEYS[3 + j], ARGV[6 + n + j], tagTtl, tagTtl) end
local versions = table.concat(parts)

if redis.call('SET', KEYS[3], ARGV[3 + n], 'NX', 'PX', ARGV[4 + n]) then
  return { 2, versions }
end
return { 3, versions, redis.call('PTTL', KEYS[3]) }
