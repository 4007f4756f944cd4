--[[
set-guarded: set.lua, only if the versions a miss saw are all still current;
ends the lease presented.

Runs set.lua's body compiled in as the local function store (see scripts.ts),
so entries are written exactly as a plain Set writes them.

KEYS[1]        the entry's lease key (also the channel waiters listen on)
KEYS[2]        the namespace version key
KEYS[3..2+m]   the version keys of the m tags the token covers
KEYS[3+m..]    set.lua's KEYS
ARGV[1]        m
ARGV[2]        the lease id presented, or "" for none
ARGV[3]        the namespace's version at the miss, or "" (it had none,
               which always refuses: lib/version-still.lua)
ARGV[4..3+m]   each covered tag's version at the miss, or ""
ARGV[4+m..]    set.lua's ARGV

Reply: 1 when stored; 0 when refused because a version changed (an
invalidation) or vanished (an eviction) since the miss: nothing is written.

A lease that the presented id still holds ends here, stored or not. When a
lease ends, or a value is stored while another caller's lease runs, a message
on the lease key's channel wakes every waiter at once. The checks and the
lease's end are lib/version-still.lua and lib/end-lease.lua (prepended),
shared with the two steps that do this on Redis Cluster.
--]]

local m = tonumber(ARGV[1])
local fresh = versionStill(KEYS[2], ARGV[3])
for i = 1, m do
  if not fresh then break end
  fresh = versionStill(KEYS[2 + i], ARGV[3 + i])
end

local stored = 0
if fresh then
  store({ unpack(KEYS, 3 + m) }, { unpack(ARGV, 4 + m) })
  stored = 1
end
endLease(KEYS[1], ARGV[2], stored)
return stored
