-- Shared helpers, prepended to every script. ARGV[1] is always the key prefix.
-- A person is kept in hash P..'person:'..id with the fields matching needs:
--   roles ",agent,expert,"  skills ",billing=3,tv=2,"  langs ",de-at,de,en,"
--   max, load (claims held), state, reason, sinceMs, idleMs, profile (JSON).
-- While their state lets them take a call, a person sits in sorted sets scored
-- by idleMs (longest idle first): P..'avail:'..role, and
-- P..'avail:'..role..':'..skill for each skill. One set per skill (not per
-- level), and claims do not move anyone in or out: a claim checks levels and
-- load (claims held against max) per candidate instead. That keeps a claim and
-- its release to a few commands; the price is skipping people who hold a claim
-- and have not gone busy yet.
local P = ARGV[1]

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function person_key(id) return P .. 'person:' .. id end

-- Whole numbers go to Redis (and into JSON) as '%d' strings: Lua's own number
-- to string conversion is a %.14g printf, a cost that shows on every claim.
local function int(n)
  if type(n) == 'string' then return n end
  return string.format('%d', n)
end

local function each_item(csv, fn)
  for item in string.gmatch(csv or '', '[^,]+') do fn(item) end
end

local function each_skill(csv, fn)
  each_item(csv, function(item)
    local name, level = string.match(item, '^(.+)=(%d)$')
    fn(name, tonumber(level))
  end)
end

local function indexable(state, max)
  return state == 'available' or (state == 'busy' and max > 1)
end

local function read_person(id)
  return redis.call('HMGET', person_key(id), 'roles', 'skills', 'state', 'load', 'max', 'idleMs', 'reason', 'sinceMs')
end

-- Puts a person in (or takes them out of) every index, given their fields.
local function set_indexed(id, f, on)
  local add = on and indexable(f[3], tonumber(f[5]))
  each_item(f[1], function(role)
    local base = P .. 'avail:' .. role
    if add then redis.call('ZADD', base, f[6], id) else redis.call('ZREM', base, id) end
    each_skill(f[2], function(skill)
      local key = base .. ':' .. skill
      if add then redis.call('ZADD', key, f[6], id) else redis.call('ZREM', key, id) end
    end)
  end)
end

-- Takes a person out of every index and frees their desk user: before a
-- profile is saved over, or the person is deleted.
local function unindex_person(id)
  local old = read_person(id)
  set_indexed(id, old, false)
  each_item(old[1], function(role) redis.call('SREM', P .. 'role:' .. role, id) end)
  each_skill(old[2], function(skill) redis.call('SREM', P .. 'skill:' .. skill, id) end)
  local user = redis.call('HGET', person_key(id), 'deskUser')
  if user and user ~= '' then redis.call('DEL', P .. 'deskuser:' .. user) end
end

-- A person's presence goes out on one channel so every instance's streams see it.
local function announce(id, f, extra)
  -- The numbers stay strings as stored (the reader converts them).
  local event = { personId = id, state = f[3], reason = f[7], sinceMs = f[8], idleMs = f[6], activeClaims = int(f[4]) }
  for k, v in pairs(extra or {}) do event[k] = v end
  redis.call('PUBLISH', P .. 'presence', cjson.encode(event))
end

-- After a change of state or profile: indexes follow the state (roles and
-- skills unchanged; a profile change clears the old ones first), then announce.
local function settle(id, extra)
  local f = read_person(id)
  if not f[1] then return end
  set_indexed(id, f, true)
  announce(id, f, extra)
end

-- Releases one claim: the person's load goes down by one.
local function release_claim(claim_id)
  local ckey = P .. 'claim:' .. claim_id
  local person = redis.call('HGET', ckey, 'personId')
  if not person then return nil end
  redis.call('DEL', ckey)
  redis.call('ZREM', P .. 'leases', claim_id)
  -- A person deleted meanwhile has no hash left to count down. Their indexes
  -- do not depend on load, so only the announcement follows.
  local f = read_person(person)
  if f[1] then
    f[4] = redis.call('HINCRBY', person_key(person), 'load', '-1')
    if f[4] < 0 then
      redis.call('HSET', person_key(person), 'load', 0)
      f[4] = 0
    end
    announce(person, f)
  end
  return person
end

-- A lapsed lease was not renewed: its holder is gone (a crashed instance), and
-- nobody is left to end the person's call and start their wrap-up. Someone it
-- left busy, holding no other claim, is available again.
local function free_stranded(person, now)
  local f = read_person(person)
  if f[3] ~= 'busy' or tonumber(f[4]) > 0 then return end
  redis.call('HSET', person_key(person), 'state', 'available', 'reason', '', 'sinceMs', int(now), 'idleMs', int(now))
  settle(person)
end

-- Lapsed leases are released before any claim decision, so a crashed holder
-- never keeps a person busy; a periodic sweep catches the quiet times.
local function sweep_expired(now, limit)
  local expired = redis.call('ZRANGEBYSCORE', P .. 'leases', '-inf', int(now), 'LIMIT', '0', int(limit))
  local released = {}
  for _, claim_id in ipairs(expired) do
    local person = release_claim(claim_id)
    if person then
      free_stranded(person, now)
      table.insert(released, claim_id)
      table.insert(released, person)
    end
  end
  return released
end

-- A desk user's registered phones: P..'reg:'..user maps
-- each contact we dial to its expiry in ms; P..'reg-info:'..user each contact
-- to a JSON object (phoneContact, the Contact as registered when it differs;
-- instance, the phone's +sip.instance; userAgent). P..'reg-expiries' scores each
-- user by their soonest expiry. A registration stored before a user could have
-- several phones (one hash: contact, phoneContact, expiresMs …) reads as one.
-- Without with_infos (a claim's read), infos holds only such an old one's.
local function registration_read(user, with_infos)
  local bindings, infos, old = {}, {}, {}
  local flat = redis.call('HGETALL', P .. 'reg:' .. user)
  for i = 1, #flat, 2 do
    if string.find(flat[i], ':', 1, true) then bindings[flat[i]] = tonumber(flat[i + 1]) else old[flat[i]] = flat[i + 1] end
  end
  if old.contact and old.contact ~= '' then
    bindings[old.contact] = tonumber(old.expiresMs)
    infos[old.contact] = cjson.encode({ phoneContact = old.phoneContact or '', userAgent = old.userAgent or '' })
  end
  if with_infos then
    flat = redis.call('HGETALL', P .. 'reg-info:' .. user)
    for i = 1, #flat, 2 do infos[flat[i]] = flat[i + 1] end
  end
  return bindings, infos
end

local function registration_info(infos, contact, field)
  local info = infos[contact]
  return info and cjson.decode(info)[field] or ''
end

local function registration_schedule(user, bindings)
  local soonest
  for _, expires in pairs(bindings) do
    if not soonest or expires < soonest then soonest = expires end
  end
  if soonest then redis.call('ZADD', P .. 'reg-expiries', int(soonest), user) else redis.call('ZREM', P .. 'reg-expiries', user) end
end

local function registration_write(user, bindings, infos)
  local key, info_key = P .. 'reg:' .. user, P .. 'reg-info:' .. user
  redis.call('DEL', key, info_key)
  for contact, expires in pairs(bindings) do
    redis.call('HSET', key, contact, int(expires))
    if infos[contact] then redis.call('HSET', info_key, contact, infos[contact]) end
  end
  registration_schedule(user, bindings)
end

-- The bindings that have not lapsed by now, freshest first: contact, expiry, contact, expiry …
local function registration_current(user, now)
  local bindings = registration_read(user)
  local current = {}
  for contact, expires in pairs(bindings) do
    if expires > now then table.insert(current, { contact, expires }) end
  end
  table.sort(current, function(a, b) return a[2] > b[2] or (a[2] == b[2] and a[1] < b[1]) end)
  local flat = {}
  for _, b in ipairs(current) do
    table.insert(flat, b[1])
    table.insert(flat, int(b[2]))
  end
  return flat
end
