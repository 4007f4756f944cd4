--[[
version-still: a helper prepended to the scripts that check a version token
(set-guarded.lua, check-versions.lua); not a command of its own.

versionStill(key, seen) is true when key still holds the version seen at a
miss. A vanished (evicted) version is a change: it might hide an
invalidation. A version seen absent (seen "") is never still: an
Invalidate after the miss may have created it and an eviction removed it
again, leaving no trace (the server refuses such tokens before calling;
this keeps the scripts safe on their own).
--]]

local function versionStill(key, seen)
  if seen == '' then return false end
  -- pcall: foreign data of another type counts as no version.
  local v = redis.pcall('GET', key)
  return type(v) == 'string' and v == seen
end
