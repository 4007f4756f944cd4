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
ARGV[3]        the namespace's version at the miss, or "" (it had none)
ARGV[4..3+m]   each covered tag's version at the miss, or ""
ARGV[4+m..]    set.lua's ARGV

Reply: 1 when stored; 0 when refused because a version changed (an
invalidation) or vanished (an eviction) since the miss: nothing is written.

A lease that the presented id still holds ends here, stored or not. When a
lease ends, or a value is stored while another caller's lease runs, a message
on the lease key's channel wakes every waiter at once.
--]]

local m = tonumber(ARGV[1])
local function current(key, seen)
  -- pcall: foreign data of another type counts as no version.
  local v = redis.pcall('GET', key)
  if type(v) ~= 'string' then v = false end
  if seen == '' then return not v end
  return v == seen
end

local fresh = current(KEYS[2], ARGV[3])
for i = 1, m do
  if not fresh then break end
  fresh = current(KEYS[2 + i], ARGV[3 + i])
end

local stored = 0
if fresh then
  store({ unpack(KEYS, 3 + m) }, { unpack(ARGV, 4 + m) })
  stored = 1
end

local lease = redis.call('GET', KEYS[1])
if lease and lease == ARGV[2] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', KEYS[1], stored)
elseif lease and stored == 1 then
  redis.call('PUBLISH', KEYS[1], stored)
end
return stored
