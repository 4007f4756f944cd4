--[[
read-entries: reads a batch of entries with their remaining lifetimes: the
first step of a GetMany chunk (and of every Get on Redis Cluster). The
versions they recorded are read and checked by the next step, in the
server (store/redis/checked-read.ts).

KEYS[1..]     entry keys (on Redis Cluster, all in one slot)
ARGV[1]       optional: a byte budget. The reply stops before the first entry
              (never the first one found) that would take the entries
              returned past it; the caller reads the rest in another call.

Reply: a flat array, two elements per key (the first keys only, under a
budget): the entry and its pttl (-1: it never expires), or 0 and 0 when it
is absent. Flat, because a table per hit costs Redis more than the reads.
--]]

local budget = tonumber(ARGV[1])
local used = 0
local out = {}
for i = 1, #KEYS do
  -- pcall: foreign data of another type under our key reads as absent.
  local raw = redis.pcall('GET', KEYS[i])
  if type(raw) == 'string' then
    -- The bound keeps one call's reply (and Redis's output buffer) small.
    if budget and used > 0 and used + #raw > budget then return out end
    used = used + #raw
    out[2 * i - 1] = raw
    out[2 * i] = redis.call('PTTL', KEYS[i])
  else
    out[2 * i - 1] = 0
    out[2 * i] = 0
  end
end
return out
