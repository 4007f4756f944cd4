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

Reply: one element per lookup (the first ones only, under a budget): {pttl, entry} on a hit, where pttl is -1 for
an entry that never expires and entry is the stored bytes (format in
entry-codec.ts); on a miss, the versions seen (for the version token): the
namespace's, then each requested tag's, each as a length byte and its bytes
(a zero byte where there is none).

An entry whose namespace or tag version changed or vanished is stale: it is
deleted here. A tag-set mismatch is a miss but not stale, and data that is not
in our format reads as a miss and is left alone.

In standalone mode, a lookup without tags cannot name its tag-version keys in
advance; they are derived from the entry (prefix .. tag name). This keeps Get
to one round trip. On Redis Cluster the versions are read in a second step.
--]]

local FORMAT = 1
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

for e = 2, #KEYS do
  local want = tonumber(ARGV[a])
  local wantFrom = a + 1
  a = a + 1 + want
  local result = 0
  local raw = read(KEYS[e])
  if raw and #raw >= 2 + VERSION_BYTES and string.byte(raw, 1) == FORMAT then
    local n = string.byte(raw, 2)
    if string.sub(raw, 3, 2 + VERSION_BYTES) ~= nsVersion then
      redis.call('DEL', KEYS[e])
    elseif want == 0 or want == n then
      local pos = 3 + VERSION_BYTES
      local verdict = 'hit'
      for j = 1, n do
        local hi, lo = string.byte(raw, pos, pos + 1)
        if not lo then verdict = 'foreign'; break end
        local nameEnd = pos + 1 + hi * 256 + lo
        if nameEnd + VERSION_BYTES > #raw then verdict = 'foreign'; break end
        local name = string.sub(raw, pos + 2, nameEnd)
        if want > 0 and name ~= ARGV[wantFrom + j - 1] then verdict = 'other tags'; break end
        local current = versionOf[name]
        if current == nil then
          current = read(tagPrefix .. name)
          versionOf[name] = current
        end
        if current ~= string.sub(raw, nameEnd + 1, nameEnd + VERSION_BYTES) then
          verdict = 'stale'
          break
        end
        pos = nameEnd + VERSION_BYTES + 1
      end
      if verdict == 'hit' then
        -- The bound keeps one call's reply (and Redis's output buffer) small.
        if budget and used > 0 and used + #raw > budget then return out end
        used = used + #raw
        result = { redis.call('PTTL', KEYS[e]), raw }
      elseif verdict == 'stale' then
        redis.call('DEL', KEYS[e])
      end
    end
  end
  if result == 0 then
    local parts = { seen(nsVersion) }
    for j = 1, want do parts[j + 1] = seen(read(tagPrefix .. ARGV[wantFrom + j - 1])) end
    result = table.concat(parts)
  end
  out[e - 1] = result
end

return out
