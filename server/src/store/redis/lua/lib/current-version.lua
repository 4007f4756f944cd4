--[[
current-version: a helper prepended to the scripts that read tag versions for
a Set or a lease (set.lua, ensure-versions.lua, lease.lua); not a command of
its own.

currentVersion(key, fresh, entryTtl, tagTtl) returns the version held in key,
creating it from fresh when it holds none (never over an existing one), and
makes it live at least tagTtl ms (tagTtl already raised to entryTtl), or
forever when entryTtl is 0: a version must outlive every entry that depends
on it.
--]]

local function currentVersion(key, fresh, entryTtl, tagTtl)
  -- pcall: foreign data of another type is replaced like a missing version.
  local v = redis.pcall('GET', key)
  if type(v) ~= 'string' or #v ~= 8 then
    v = fresh
    if entryTtl == 0 then
      redis.call('SET', key, v)
    else
      redis.call('SET', key, v, 'PX', tagTtl)
    end
  elseif entryTtl == 0 then
    redis.call('PERSIST', key)
  else
    local left = redis.call('PTTL', key)
    if left >= 0 and left < tagTtl then redis.call('PEXPIRE', key, tagTtl) end
  end
  return v
end
