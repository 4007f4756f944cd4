--[[
get: look up a batch of entries of one namespace and check their tag versions.

KEYS[1]       the namespace version key
KEYS[2..]     the entry keys, one per lookup
ARGV[1]       the namespace's tag-version key prefix
ARGV[2..]     per lookup, in order: a count c, then c tag names, sorted
              (c = 0: any tag set; otherwise the exact tag set required)
ARGV[last]    optional: a byte budget. The reply stops before the first hit
              (never the first lookup) whose entry would take the entries
              returned past it (never before the first hit); the caller
              reads the rest in another call.
              A value read here is checked here: each result is consistent.

Reply: one element per lookup (the first ones only, under a budget): {ttl,
entry} on a hit, where ttl is -1 for
an entry that never expires and entry is the stored bytes (format in
lib/entry-format.lua); {ttl, entry, ms} on a stale hit (only when
get-grace.lua set grace.ms): stale for ms; on a miss, the versions seen (for
the version token): the namespace's, then each requested tag's, each as a
length byte and its bytes (a zero byte where there is none).

An entry whose namespace or tag version changed or vanished is stale: it is
deleted here, unless it was stored with a grace period (format 3), which is
kept until its key expires, to be served stale (lib/entry-grace.lua). A
tag-set mismatch is a miss but not stale, and data that is not in our format
reads as a miss and is left alone.

In standalone mode, a lookup without tags cannot name its tag-version keys in
advance; they are derived from the entry (prefix .. tag name). This keeps Get
to one round trip. On Redis Cluster the versions are read in a second step.
--]]

local VERSION_BYTES = 8

-- Foreign data of another type under one of our keys reads as absent (GET
-- on it would fail the whole script).
local function read(key)
  local v = redis.pcall('GET', key)
  return type(v) == 'string' and v
end

local nsVersion = read(KEYS[1])
local function seen(v)
  if v and #v == VERSION_BYTES then return string.char(VERSION_BYTES) .. v end
  return '\0'
end
local tagPrefix = ARGV[1]
local out = {}
local a = 2
-- Entries of a batch share tags: each tag version is read once per call.
local versionOf = {}
local budgetAt = 2
for _ = 2, #KEYS do budgetAt = budgetAt + 1 + tonumber(ARGV[budgetAt]) end
local budget = tonumber(ARGV[budgetAt])
local used = 0

local function sameTags(names, want, wantFrom)
  if want == 0 then return true end
  if want ~= #names then return false end
  for j = 1, want do
    if names[j] ~= ARGV[wantFrom + j - 1] then return false end
  end
  return true
end

for e = 2, #KEYS do
  local want = tonumber(ARGV[a])
  local wantFrom = a + 1
  a = a + 1 + want
  local result = 0
  local raw = read(KEYS[e])
  local names, digest, graceOf
  if raw then names, digest, graceOf = parseEntry(raw) end
  if names and sameTags(names, want, wantFrom) then
    local current = { nsVersion }
    for j = 1, #names do
      local v = versionOf[names[j]]
      if v == nil then
        v = read(tagPrefix .. names[j])
        versionOf[names[j]] = v
      end
      current[j + 1] = v
    end
    if graceOf == 0 then
      if versionDigest(current) == digest then
        result = { redis.call('PTTL', KEYS[e]), raw }
      else
        redis.call('DEL', KEYS[e])
      end
    else
      -- The key outlives the entry's lifetime by its grace period.
      local pttl = redis.call('PTTL', KEYS[e])
      local ttl, expiredFor = -1, nil
      if pttl >= 0 then
        ttl = math.max(0, pttl - graceOf)
        if pttl <= graceOf then expiredFor = graceOf - pttl end
      end
      local function historyKey(i)
        if i == 1 then return grace.allHistoryKey end
        return grace.tagHistoryPrefix .. names[i - 1]
      end
      local verdict = judgeGraced(digest, expiredFor, current, historyKey, grace.ms)
      if verdict == true then
        result = { ttl, raw }
      elseif verdict then
        result = { ttl, raw, verdict }
      end
    end
  end
  if type(result) == 'table' then
    -- The bound keeps one call's reply (and Redis's output buffer) small.
    if budget and used > 0 and used + #raw > budget then return out end
    used = used + #raw
  end
  if result == 0 then
    local parts = { seen(nsVersion) }
    for j = 1, want do parts[j + 1] = seen(read(tagPrefix .. ARGV[wantFrom + j - 1])) end
    result = table.concat(parts)
  end
  out[e - 1] = result
end

return out
