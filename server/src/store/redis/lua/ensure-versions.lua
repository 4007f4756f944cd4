--[[
ensure-versions: the first step of a Set on Redis Cluster; reads the versions
an entry will record, creating missing ones. The entry itself lives in
another slot and is written by the next step with a plain SET. In both modes
it also creates the versions a refused token recorded as absent (with
ARGV[1] = ARGV[2], the least lifetime).

KEYS[1]       the namespace version key
KEYS[2..]     the tag-version keys (all in the namespace's slot)
ARGV[1]       entry lifetime in ms (0: never expires)
ARGV[2]       least lifetime of a tag version in ms
ARGV[3..]     one fresh random version per key, used only where that key
              holds no version yet

Reply: the current version of each key, in the order of KEYS.

Creation and lifetimes follow set.lua (lib/current-version.lua, prepended).
--]]

local entryTtl = tonumber(ARGV[1])
local tagTtl = tonumber(ARGV[2])
if entryTtl > tagTtl then tagTtl = entryTtl end

local out = {}
for i = 1, #KEYS do
  out[i] = currentVersion(KEYS[i], ARGV[2 + i], entryTtl, tagTtl)
end
return out
