-- Compare-and-set of a person's state: the rules were checked in TypeScript
-- against `expected`; this applies the change only if nobody moved them since.
-- ARGV: prefix, id, expected state, new state, reason
-- Returns {'ok'}, {'missing'} or {'changed', current state}.
local id, expected, state, reason = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local key = person_key(id)
local current = redis.call('HGET', key, 'state')
if not current then return { 'missing' } end
if current ~= expected then return { 'changed', current } end
local now = int(now_ms())
redis.call('HSET', key, 'state', state, 'reason', reason, 'sinceMs', now)
if state == 'available' and current ~= 'available' then redis.call('HSET', key, 'idleMs', now) end
settle(id)
return { 'ok' }
