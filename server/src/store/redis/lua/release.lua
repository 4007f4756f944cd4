--[[
release: end a lease if the given id still holds it.

KEYS[1]   the entry's lease key (also the channel waiters listen on)
ARGV[1]   the lease id

Reply: 1 when the lease was ended, 0 when it had expired or passed to another
caller (then nothing changes).

Ending it publishes on the lease key's channel, waking every waiter at once:
one of them takes the lease over.
--]]

if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', KEYS[1], 'released')
  return 1
end
return 0
