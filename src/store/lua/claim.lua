-- Finds and claims, in one step, the longest-idle claimable person who matches,
-- for each of several requests in turn (see script-batch.ts).
-- ARGV: prefix, n requests, then per request: claim id, lease ms, role,
--       language ('' = any), exclude (",a,b,"), meta JSON, only this person
--       ('' = anyone), with profile ('1' or ''), n skills, then name/minLevel pairs.
-- Returns per request {person id, expiresMs[, profile JSON, desk user, {contact,
-- expiresMs, …} of their registered phones]}, or false when nobody matches. The
-- profile and the phones' registrations are for a caller that dials the person at once.
local now = now_ms()
sweep_expired(now, 100)

-- The person's fields (as read_person, then langs) when they match r, else nil.
local function matches(r, id)
  if string.find(r.exclude, ',' .. id .. ',', 1, true) then return nil end
  local f = redis.call('HMGET', person_key(id), 'roles', 'skills', 'state', 'load', 'max', 'idleMs', 'reason',
    'sinceMs', 'langs')
  if tonumber(f[4]) >= tonumber(f[5]) then return nil end
  if r.lang ~= '' and not string.find(f[9] or '', ',' .. r.lang .. ',', 1, true) then return nil end
  for _, s in ipairs(r.skills) do
    local _, stop = string.find(f[2] or '', ',' .. s.name .. '=', 1, true)
    -- Levels are one digit (1-5): its byte, without a number conversion.
    if not stop or string.byte(f[2], stop + 1) - 48 < s.min then return nil end
  end
  return f
end

local function claim(r)
  -- Scan the smallest of the asked-for sets; check the rest per candidate.
  local driving = P .. 'avail:' .. r.role
  if #r.skills == 1 then driving = driving .. ':' .. r.skills[1].name end
  if #r.skills > 1 then
    local smallest = nil
    for _, s in ipairs(r.skills) do
      local key = P .. 'avail:' .. r.role .. ':' .. s.name
      local size = redis.call('ZCARD', key)
      if smallest == nil or size < smallest then smallest, driving = size, key end
    end
  end

  local chosen, f = nil, nil
  if r.only ~= '' then
    -- One named person: only while in the role's available set and below their limit.
    if redis.call('ZSCORE', P .. 'avail:' .. r.role, r.only) then chosen, f = r.only, matches(r, r.only) end
  else
    local batch, offset = 16, 0
    repeat
      local ids = redis.call('ZRANGE', driving, int(offset), int(offset + batch - 1))
      for _, id in ipairs(ids) do
        chosen, f = id, matches(r, id)
        if f then break end
      end
      offset = offset + batch
    until f or #ids < batch
  end
  if not f then return false end

  local expires = now + r.lease
  redis.call('HSET', P .. 'claim:' .. r.id, 'personId', chosen, 'role', r.role,
    'createdMs', int(now), 'expiresMs', int(expires), 'meta', r.meta)
  redis.call('ZADD', P .. 'leases', int(expires), r.id)
  f[4] = redis.call('HINCRBY', person_key(chosen), 'load', '1')
  announce(chosen, f)
  if r.profile == '' then return { chosen, expires } end
  -- For a caller about to dial them: their profile, and their desk user's
  -- registered phones (none when the user is '').
  local p = redis.call('HMGET', person_key(chosen), 'profile', 'deskUser')
  local user = p[2] or ''
  return { chosen, expires, p[1], user, user ~= '' and registration_current(user, now) or {} }
end

local results, at = {}, 3
for n = 1, tonumber(ARGV[2]) do
  local r = { id = ARGV[at], lease = tonumber(ARGV[at + 1]), role = ARGV[at + 2], lang = ARGV[at + 3],
    exclude = ARGV[at + 4], meta = ARGV[at + 5], only = ARGV[at + 6], profile = ARGV[at + 7], skills = {} }
  for i = 1, tonumber(ARGV[at + 8]) do
    r.skills[i] = { name = ARGV[at + 7 + 2 * i], min = tonumber(ARGV[at + 8 + 2 * i]) }
  end
  at = at + 9 + 2 * #r.skills
  results[n] = claim(r)
end
return results
