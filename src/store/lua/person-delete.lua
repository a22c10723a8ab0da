-- ARGV: prefix, id. Returns 'ok', 'missing', or 'claimed' (on a call or offer:
-- deleting them would strand the call's bookkeeping).
local id = ARGV[2]
local key = person_key(id)
if redis.call('EXISTS', key) == 0 then return 'missing' end
if tonumber(redis.call('HGET', key, 'load')) > 0 then return 'claimed' end
local old = read_person(id)
set_indexed(id, old, false)
each_item(old[1], function(role) redis.call('SREM', P .. 'role:' .. role, id) end)
each_skill(old[2], function(skill) redis.call('SREM', P .. 'skill:' .. skill, id) end)
local user = redis.call('HGET', key, 'deskUser')
if user and user ~= '' then redis.call('DEL', P .. 'deskuser:' .. user) end
redis.call('DEL', key)
redis.call('SREM', P .. 'people', id)
redis.call('ZREM', P .. 'heartbeats', id)
redis.call('PUBLISH', P .. 'presence', cjson.encode({ personId = id, removed = true }))
return 'ok'
