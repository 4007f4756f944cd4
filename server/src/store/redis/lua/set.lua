--[[
set: store an entry under the current versions of its tags.

KEYS[1]       the entry key
KEYS[2]       the namespace version key
KEYS[3..]     the tag-version keys, in the order of the tag names
ARGV[1]       entry lifetime in ms (0: never expires)
ARGV[2]       least lifetime of a tag version in ms
ARGV[3]       the value
ARGV[4..3+n]  the n tag names, sorted
ARGV[4+n..]   one fresh random version per key of KEYS[2..], used only where
              that key holds no version yet
ARGV[5+2n]    optional: grace period in ms (absent or 0: none)

Reply: 1.

A missing version is created here, atomically with the read, so creation can
never overwrite an invalidation. A version must outlive every entry that
depends on it: its lifetime is raised to the entry's, and an entry that never
expires makes its versions persistent (lib/current-version.lua, prepended).
An entry with a grace period records it and is kept that much longer, to
be served stale (format in lib/entry-format.lua).
--]]

local lifetime = tonumber(ARGV[1])
local n = #KEYS - 2
local freshFrom = 4 + n
local grace = tonumber(ARGV[5 + 2 * n] or 0)
-- The key outlives its logical expiry by the grace period.
local entryTtl = lifetime
if lifetime > 0 then entryTtl = lifetime + grace end
local tagTtl = tonumber(ARGV[2])
if entryTtl > tagTtl then tagTtl = entryTtl end

local versions = {}
for i = 2, #KEYS do
  versions[i - 1] = currentVersion(KEYS[i], ARGV[freshFrom + i - 2], entryTtl, tagTtl)
end

local parts = { string.char(grace > 0 and 3 or 2, n) }
for j = 1, n do
  local name = ARGV[3 + j]
  parts[#parts + 1] = varint(#name)
  parts[#parts + 1] = name
end
parts[#parts + 1] = versionDigest(versions)
if grace > 0 then parts[#parts + 1] = u48(grace) end
parts[#parts + 1] = ARGV[3]

if entryTtl == 0 then
  redis.call('SET', KEYS[1], table.concat(parts))
else
  redis.call('SET', KEYS[1], table.concat(parts), 'PX', entryTtl)
end
return 1
