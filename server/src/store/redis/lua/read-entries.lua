--[[
read-entries: the first step of a Get on Redis Cluster; reads entries of one
slot with their remaining lifetimes. Their versions live in the namespace's
slot and are checked by the next step.

KEYS[1..]     entry keys, all in one slot
ARGV[1]       optional: a byte budget. The reply stops before the first entry
              (never the first one found) that would take the entries
              returned past it; the caller reads the rest in another call.

Reply: one element per key (the first ones only, under a budget): 0 when
absent, or {pttl, entry}, where pttl is -1 for an entry that never expires.
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
    out[i] = { redis.call('PTTL', KEYS[i]), raw }
  else
    out[i] = 0
  end
end
return out
