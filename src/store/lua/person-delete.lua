-- ARGV: prefix, id. Returns 'ok', 'missing', or 'claimed' (on a call or offer:
-- deleting them would strand the call's bookkeeping).
local id = ARGV[2]
local key = person_key(id)
if redis.call('EXISTS', key) == 0 then return 'missing' end
if tonumber(redis.call('HGET', key, 'load')) > 0 then return 'claimed' end
unindex_person(id)
redis.call('DEL', key)
redis.call('SREM', P .. 'people', id)
redis.call('ZREM', P .. 'heartbeats', id)
redis.call('PUBLISH', P .. 'presence', cjson.encode({ personId = id, removed = true }))
return 'ok'
