-- Finds and claims, in one step, the longest-idle claimable person who matches.
-- ARGV: prefix, claim id, lease ms, role, language ('' = any),
--       exclude (",a,b,"), meta JSON, only this person ('' = anyone),
--       n skills, then name/minLevel pairs.
-- Returns {person id, expiresMs} or nil when nobody matches.
local claim_id, lease, role, lang, exclude, meta, only = ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local now = now_ms()
sweep_expired(now, 100)

local skills = {}
for i = 1, tonumber(ARGV[9]) do
  table.insert(skills, { name = ARGV[8 + 2 * i], min = tonumber(ARGV[9 + 2 * i]) })
end

-- Scan the smallest of the asked-for sets; check the rest per candidate.
local driving = P .. 'avail:' .. role
local smallest = nil
for _, s in ipairs(skills) do
  local key = P .. 'avail:' .. role .. ':' .. s.name
  local size = redis.call('ZCARD', key)
  if smallest == nil or size < smallest then smallest, driving = size, key end
end

local function matches(id)
  if string.find(exclude, ',' .. id .. ',', 1, true) then return false end
  local f = redis.call('HMGET', person_key(id), 'skills', 'langs')
  if lang ~= '' and not string.find(f[2] or '', ',' .. lang .. ',', 1, true) then return false end
  for _, s in ipairs(skills) do
    local _, stop = string.find(f[1] or '', ',' .. s.name .. '=', 1, true)
    if not stop or tonumber(string.sub(f[1], stop + 1, stop + 1)) < s.min then return false end
  end
  return true
end

local chosen = nil
if only ~= '' then
  -- One named person: claimable only while in the role's available set.
  if redis.call('ZSCORE', P .. 'avail:' .. role, only) and matches(only) then chosen = only end
else
  local batch, offset = 16, 0
  repeat
    local ids = redis.call('ZRANGE', driving, offset, offset + batch - 1)
    for _, id in ipairs(ids) do
      if matches(id) then chosen = id break end
    end
    offset = offset + batch
  until chosen or #ids < batch
end
if not chosen then return nil end

local expires = now + lease
redis.call('HSET', P .. 'claim:' .. claim_id, 'personId', chosen, 'role', role,
  'createdMs', now, 'expiresMs', expires, 'meta', meta)
redis.call('ZADD', P .. 'leases', expires, claim_id)
redis.call('HINCRBY', person_key(chosen), 'load', 1)
settle(chosen)
return { chosen, expires }
