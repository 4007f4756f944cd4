--[[
end-lease: a helper prepended to the scripts that end a Set with a lease
(set-guarded.lua, store-entry.lua); not a command of its own.

endLease(key, id, stored) ends the lease in key if id still holds it, stored
or not; a lease that passed to another caller is left alone. When a lease
ends, or a value is stored (stored = 1) while another caller's lease runs, a
message on the lease key's channel wakes every waiter at once.
--]]

local function endLease(key, id, stored)
  local lease = redis.call('GET', key)
  if lease and lease == id then
    redis.call('DEL', key)
    redis.call('PUBLISH', key, stored)
  elseif lease and stored == 1 then
    redis.call('PUBLISH', key, stored)
  end
end
