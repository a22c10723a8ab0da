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
if #skills == 1 then driving = driving .. ':' .. skills[1].name end
if #skills > 1 then
  local smallest = nil
  for _, s in ipairs(skills) do
    local key = P .. 'avail:' .. role .. ':' .. s.name
    local size = redis.call('ZCARD', key)
    if smallest == nil or size < smallest then smallest, driving = size, key end
  end
end

-- The person's fields (as read_person, then langs) when they match, else nil.
local function matches(id)
  if string.find(exclude, ',' .. id .. ',', 1, true) then return nil end
  local f = redis.call('HMGET', person_key(id), 'roles', 'skills', 'state', 'load', 'max', 'idleMs', 'reason',
    'sinceMs', 'langs')
  if tonumber(f[4]) >= tonumber(f[5]) then return nil end
  if lang ~= '' and not string.find(f[9] or '', ',' .. lang .. ',', 1, true) then return nil end
  for _, s in ipairs(skills) do
    local _, stop = string.find(f[2] or '', ',' .. s.name .. '=', 1, true)
    if not stop or tonumber(string.sub(f[2], stop + 1, stop + 1)) < s.min then return nil end
  end
  return f
end

local chosen, f = nil, nil
if only ~= '' then
  -- One named person: only while in the role's available set and below their limit.
  if redis.call('ZSCORE', P .. 'avail:' .. role, only) then chosen, f = only, matches(only) end
else
  local batch, offset = 16, 0
  repeat
    local ids = redis.call('ZRANGE', driving, int(offset), int(offset + batch - 1))
    for _, id in ipairs(ids) do
      chosen, f = id, matches(id)
      if f then break end
    end
    offset = offset + batch
  until f or #ids < batch
end
if not f then return nil end

local expires = now + lease
redis.call('HSET', P .. 'claim:' .. claim_id, 'personId', chosen, 'role', role,
  'createdMs', int(now), 'expiresMs', int(expires), 'meta', meta)
redis.call('ZADD', P .. 'leases', int(expires), claim_id)
f[4] = redis.call('HINCRBY', person_key(chosen), 'load', '1')
announce(chosen, f)
return { chosen, expires }
