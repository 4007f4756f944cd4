--[[
check-versions: the first step of a Set with a version or lease token on
Redis Cluster, on the namespace's slot; checks that the versions a miss saw
are all still current, then reads the versions the entry will record,
creating missing ones, exactly as ensure-versions.lua (whose body is
compiled in as the local function ensure, see scripts.ts). The entry is
written by the next step, store-entry.lua, on its own slot.

KEYS[1]        the namespace version key
KEYS[2..1+m]   the version keys of the m tags the token covers
KEYS[2+m..]    ensure-versions.lua's KEYS (namespace, then the Set's tags)
ARGV[1]        m
ARGV[2]        the namespace's version at the miss, or "" (it had none,
               which always refuses: lib/version-still.lua)
ARGV[3..2+m]   each covered tag's version at the miss, or ""
ARGV[3+m..]    ensure-versions.lua's ARGV

Reply: 0 when a version changed (an invalidation) or vanished (an eviction)
since the miss, and nothing is written; otherwise ensure-versions.lua's
reply.
--]]

local m = tonumber(ARGV[1])
for i = 1, 1 + m do
  if not versionStill(KEYS[i], ARGV[1 + i]) then return 0 end
end
return ensure({ unpack(KEYS, 2 + m) }, { unpack(ARGV, 3 + m) })
