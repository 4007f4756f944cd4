--[[
store-entry: the second step of a Set with a version or lease token on Redis
Cluster, on the entry's slot; writes the entry built from the versions
check-versions.lua returned, and ends the lease presented, as
set-guarded.lua does in one script on a single Redis.

KEYS[1]   the entry key
KEYS[2]   the entry's lease key (in the entry's slot; also the channel
          waiters listen on)
ARGV[1]   1 to store; 0 when the first step refused (then only the lease ends)
ARGV[2]   the lease id presented, or "" for none
ARGV[3]   the entry (format in entry-codec.ts), or "" when not storing
ARGV[4]   entry lifetime in ms (0: never expires)

Reply: ARGV[1] as a number.

Lease notices follow set-guarded.lua (lib/end-lease.lua, prepended).
--]]

local stored = tonumber(ARGV[1])
if stored == 1 then
  if tonumber(ARGV[4]) == 0 then
    redis.call('SET', KEYS[1], ARGV[3])
  else
    redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
  end
end
endLease(KEYS[2], ARGV[2], stored)
return stored
