--[[
entry-format: a helper prepended to the scripts that write or read entries
(set.lua, get.lua and the scripts built on them); not a command of its own.
The same format is read and built in entry-codec.ts (Redis Cluster):

  byte 1      format: 2, or 3 for an entry stored with a grace period
  byte 2      n, the number of tags
  n times     tag length (varint: 7 bits a byte, high bit = more), tag
  7 bytes     digest: the first 7 bytes of SHA-1 over the recorded versions
              (namespace's, then each tag's, 8 bytes each)
  6 bytes     format 3 only: the grace period in ms; the key lives that
              much past the entry's lifetime, so the entry is expired
              once its PTTL is no more than this
  the rest    the value

parseEntry(raw) returns names, digest, grace (ms, or 0), and the position
where the value starts; nil when raw is not in our format.
versionDigest(versions) returns the digest of a list of 8-byte versions;
nil when one is missing or not a version.
nowMs() is Redis's clock in ms, the one invalidate.lua records.
--]]

local DIGEST_BYTES = 7

local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function varint(len)
  local out = ''
  while len >= 128 do
    out = out .. string.char(128 + len % 128)
    len = math.floor(len / 128)
  end
  return out .. string.char(len)
end

local function versionDigest(versions)
  for i = 1, #versions do
    local v = versions[i]
    if type(v) ~= 'string' or #v ~= 8 then return nil end
  end
  local hex = redis.sha1hex(table.concat(versions))
  local out = {}
  for i = 1, DIGEST_BYTES do out[i] = string.char(tonumber(string.sub(hex, 2 * i - 1, 2 * i), 16)) end
  return table.concat(out)
end

local function parseEntry(raw)
  if #raw < 2 + DIGEST_BYTES then return nil end
  local format, n = string.byte(raw, 1, 2)
  if format ~= 2 and format ~= 3 then return nil end
  local names = {}
  local pos = 3
  for j = 1, n do
    local len, shift = 0, 1
    repeat
      local b = string.byte(raw, pos)
      if not b then return nil end
      len = len + (b % 128) * shift
      shift = shift * 128
      pos = pos + 1
    until b < 128
    if pos + len - 1 > #raw then return nil end
    names[j] = string.sub(raw, pos, pos + len - 1)
    pos = pos + len
  end
  local digest = string.sub(raw, pos, pos + DIGEST_BYTES - 1)
  if #digest ~= DIGEST_BYTES then return nil end
  pos = pos + DIGEST_BYTES
  local grace = 0
  if format == 3 then
    local b1, b2, b3, b4, b5, b6 = string.byte(raw, pos, pos + 5)
    if not b6 then return nil end
    grace = ((((b1 * 256 + b2) * 256 + b3) * 256 + b4) * 256 + b5) * 256 + b6
    pos = pos + 6
  end
  return names, digest, grace, pos
end

local function u48(ms)
  local out = {}
  for i = 6, 1, -1 do
    out[i] = string.char(ms % 256)
    ms = math.floor(ms / 256)
  end
  return table.concat(out)
end
