-- ARGV: prefix, call id, escalation id. Frees the call's escalation slot only
-- if it still names this escalation (a newer one may hold it by now).
local key = P .. 'call:' .. ARGV[2] .. ':escalation'
if redis.call('GET', key) == ARGV[3] then return redis.call('DEL', key) end
return 0
