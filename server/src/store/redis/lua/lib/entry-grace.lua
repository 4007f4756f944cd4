--[[
entry-grace: a helper prepended to get.lua (after lib/entry-format.lua);
not a command of its own. Judges an entry whose versions moved or whose
logical expiry passed, for a Get that accepts a stale value.

staleSince(digest, expiry, current, historyKey, graceMs, now) returns
the time (ms) since which the entry is stale, 0 when it is current, or
false when it cannot be served: current holds the values of the version
keys the entry recorded (namespace first), historyKey(i) the history key of
the i-th.

The entry was current until the first of its recorded versions was
replaced. Each version replaced within the grace is swapped for the one it
replaced (read from its history key, written by invalidate.lua); if the
digest of that list is the entry's, the entry recorded exactly those
versions, and was current until the earliest of those replacements. After
two replacements of a version, or one older than the grace, no list
matches: a miss. A version that is gone (evicted) is never judged.
--]]

-- What a Get accepts; get-grace.lua sets it before calling get.lua's body.
local grace = { ms = 0, tagHistoryPrefix = '', allHistoryKey = '' }

local function staleSince(digest, expiry, current, historyKey, graceMs, now)
  local since = nil
  if versionDigest(current) ~= digest then
    local before = {}
    for i = 1, #current do
      before[i] = current[i]
      local h = redis.pcall('GET', historyKey(i))
      if type(h) == 'string' and #h > 16 and string.sub(h, 1, 8) == current[i] then
        local at = tonumber(string.sub(h, 17))
        if at and now - at <= graceMs then
          before[i] = string.sub(h, 9, 16)
          if since == nil or at < since then since = at end
        end
      end
    end
    if since == nil or versionDigest(before) ~= digest then return false end
  end
  if expiry > 0 and expiry <= now and (since == nil or expiry < since) then since = expiry end
  if since ~= nil and now - since > graceMs then return false end
  return since or 0
end
