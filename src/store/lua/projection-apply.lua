-- Applies the writes of a run of events to a projection (reports, contact
-- records) only if the projection's cursor is still at the event before the
-- run, and moves the cursor to its last event: each event counts once, however
-- many instances run.
-- ARGV: prefix, cursor key, previous event id, last event id, writes (JSON list of
-- {op, key, ...}; keys without the prefix).
-- Returns 'applied', or 'stale' when the cursor has moved meanwhile.
local cursor_key, prev, id = P .. ARGV[2], ARGV[3], ARGV[4]
if (redis.call('GET', cursor_key) or '0-0') ~= prev then return 'stale' end
for _, w in ipairs(cjson.decode(ARGV[5])) do
  local key = P .. w.key
  if w.op == 'hincrby' then redis.call('HINCRBY', key, w.field, w.by)
  elseif w.op == 'hset' then redis.call('HSET', key, w.field, w.value)
  elseif w.op == 'hsetnx' then redis.call('HSETNX', key, w.field, w.value)
  elseif w.op == 'set' then redis.call('SET', key, w.value, 'EX', w.ttl)
  elseif w.op == 'zadd' then redis.call('ZADD', key, w.score, w.member)
  elseif w.op == 'expire' then redis.call('EXPIRE', key, w.ttl)
  else return redis.error_reply('unknown write ' .. tostring(w.op)) end
end
redis.call('SET', cursor_key, id)
return 'applied'
