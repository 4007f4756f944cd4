--[[
invalidate: give tags (or a namespace) new versions.

KEYS[1..n]    the version keys to replace
ARGV[1]       lifetime of the new versions in ms
ARGV[2..1+n]  one fresh random version per key

Reply: 1.

Entries stored under an old version miss from now on. The new version has a
lifetime, so a tag that is never used again does not hold memory forever;
a later Set extends it as its entries need.
--]]

local ttl = ARGV[1]
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], ARGV[1 + i], 'PX', ttl)
end
return 1
