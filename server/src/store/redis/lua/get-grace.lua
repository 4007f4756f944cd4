--[[
get-grace: get.lua for a Get that accepts a stale value; get.lua's body is
compiled in as the local function get (see scripts.ts).

KEYS          as get.lua
ARGV          get.lua's ARGV, its byte budget always given ('' for none), then:
ARGV[#-2]     the namespace's tag history key prefix
ARGV[#-1]     the namespace's history key
ARGV[#]       the grace accepted, in ms (> 0)

Reply: as get.lua; a stale hit is {ttl, entry, ms}, stale for ms.
--]]

grace.tagHistoryPrefix = ARGV[#ARGV - 2]
grace.allHistoryKey = ARGV[#ARGV - 1]
grace.ms = tonumber(ARGV[#ARGV])
return get(KEYS, ARGV)
