--[[
read-entries: the first step of a Get on Redis Cluster; reads entries of one
slot with their remaining lifetimes. Their versions live in the namespace's
slot and are checked by the next step.

KEYS[1..]     entry keys, all in one slot

Reply: one element per key: 0 when absent, or {pttl, entry}, where pttl is -1
for an entry that never expires.
--]]

local out = {}
for i = 1, #KEYS do
  -- pcall: foreign data of another type under our key reads as absent.
  local raw = redis.pcall('GET', KEYS[i])
  if type(raw) == 'string' then
    out[i] = { redis.call('PTTL', KEYS[i]), raw }
  else
    out[i] = 0
  end
end
return out
