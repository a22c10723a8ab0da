-- ARGV: prefix, id, mode (create|update|upsert), profile JSON, roles csv,
--       skills csv, langs csv, max concurrent calls, initial state, desk user ('' = none)
-- Returns 'ok', 'exists' (create) or 'missing' (update).
local id, mode = ARGV[2], ARGV[3]
local key = person_key(id)
local existed = redis.call('EXISTS', key) == 1
if mode == 'create' and existed then return 'exists' end
if mode == 'update' and not existed then return 'missing' end
if ARGV[10] ~= '' then
  local holder = redis.call('GET', P .. 'deskuser:' .. ARGV[10])
  if holder and holder ~= id then return 'user_taken' end
end

if existed then
  unindex_person(id)
else
  local now = now_ms()
  redis.call('HSET', key, 'state', ARGV[9], 'reason', '', 'sinceMs', now, 'idleMs', now, 'load', 0)
end
redis.call('HSET', key, 'profile', ARGV[4], 'roles', ARGV[5], 'skills', ARGV[6], 'langs', ARGV[7], 'max', ARGV[8],
  'deskUser', ARGV[10])
if ARGV[10] ~= '' then redis.call('SET', P .. 'deskuser:' .. ARGV[10], id) end
redis.call('SADD', P .. 'people', id)
each_item(ARGV[5], function(role) redis.call('SADD', P .. 'role:' .. role, id) end)
each_skill(ARGV[6], function(skill) redis.call('SADD', P .. 'skill:' .. skill, id) end)
settle(id, { profileChanged = true })
return 'ok'
