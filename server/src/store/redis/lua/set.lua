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

Reply: 1.

A missing version is created here, atomically with the read, so creation can
never overwrite an invalidation. A version must outlive every entry that
depends on it: its lifetime is raised to the entry's, and an entry that never
expires makes its versions persistent (lib/current-version.lua, prepended).
--]]

local entryTtl = tonumber(ARGV[1])
local tagTtl = tonumber(ARGV[2])
if entryTtl > tagTtl then tagTtl = entryTtl end
local n = #KEYS - 2
local freshFrom = 4 + n

local function version(i)
  return currentVersion(KEYS[i], ARGV[freshFrom + i - 2], entryTtl, tagTtl)
end

local parts = { string.char(1, n), version(2) }
for j = 1, n do
  local name = ARGV[3 + j]
  parts[#parts + 1] = string.char(math.floor(#name / 256), #name % 256)
  parts[#parts + 1] = name
  parts[#parts + 1] = version(2 + j)
end
parts[#parts + 1] = ARGV[3]

if entryTtl == 0 then
  redis.call('SET', KEYS[1], table.concat(parts))
else
  redis.call('SET', KEYS[1], table.concat(parts), 'PX', entryTtl)
end
return 1
