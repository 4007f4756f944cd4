--[[
entry-grace: a helper prepended to get.lua (after lib/entry-format.lua);
not a command of its own. Judges an entry stored with a grace period.

judgeGraced(digest, expiredFor, current, historyKey, graceMs) returns
false when the entry cannot be served, true when it is current, or the
number of ms it has been stale. expiredFor is how long ago the entry's
lifetime ended (nil while it runs); current holds the values of the
version keys the entry recorded (namespace first), historyKey(i) the
history key of the i-th; graceMs is what the Get accepts (0: only current).

The entry was current until its lifetime ended or the first of its
recorded versions was replaced. Each version replaced within the grace is
swapped for the one it replaced (read from its history key, written by
invalidate.lua); if the digest of that list is the entry's, the entry
recorded exactly those versions, and was current until the earliest of
those replacements. After two replacements of a version, or one older
than the grace, no list matches: a miss. A version that is gone (evicted)
is never judged.
--]]

-- What a Get accepts; get-grace.lua sets it before calling get.lua's body.
local grace = { ms = 0, tagHistoryPrefix = '', allHistoryKey = '' }

local function judgeGraced(digest, expiredFor, current, historyKey, graceMs)
  local staleFor = expiredFor
  if versionDigest(current) ~= digest then
    if graceMs == 0 then return false end
    local now = nowMs()
    local before = {}
    local replaced = false
    for i = 1, #current do
      before[i] = current[i]
      local h = redis.pcall('GET', historyKey(i))
      if type(h) == 'string' and #h > 16 and string.sub(h, 1, 8) == current[i] then
        local at = tonumber(string.sub(h, 17))
        if at and now - at <= graceMs then
          before[i] = string.sub(h, 9, 16)
          replaced = true
          if staleFor == nil or now - at > staleFor then staleFor = now - at end
        end
      end
    end
    if not replaced or versionDigest(before) ~= digest then return false end
  end
  if staleFor == nil then return true end
  if graceMs == 0 or staleFor > graceMs then return false end
  return math.max(0, staleFor)
end
