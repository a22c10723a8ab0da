-- Moves a webhook URL's cursor past the events just delivered: only for the
-- lease holder, and only from where it read them.
-- ARGV: prefix, url id, owner, previous event id, last delivered event id.
-- Returns 1 when moved, 0 when the lease or the cursor changed meanwhile.
local owner_key = P .. 'webhook:' .. ARGV[2] .. ':owner'
local cursor_key = P .. 'webhook:' .. ARGV[2] .. ':cursor'
if redis.call('GET', owner_key) ~= ARGV[3] then return 0 end
if redis.call('GET', cursor_key) ~= ARGV[4] then return 0 end
redis.call('SET', cursor_key, ARGV[5])
return 1
