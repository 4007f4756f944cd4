--[[
version-still: a helper prepended to the scripts that check a version token
(set-guarded.lua, check-versions.lua); not a command of its own.

versionStill(key, seen) is true when key still holds the version seen at a
miss, or, with seen "", still holds none. A vanished (evicted) version is a
change: it might hide an invalidation.
--]]

local function versionStill(key, seen)
  -- pcall: foreign data of another type counts as no version.
  local v = redis.pcall('GET', key)
  if type(v) ~= 'string' then v = false end
  if seen == '' then return not v end
  return v == seen
end
